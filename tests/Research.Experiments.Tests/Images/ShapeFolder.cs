using SkiaSharp;

namespace Research.Experiments.Tests.Images;

/// <summary>A folder of generated PNGs for the image-folder experiments' program tests.</summary>
static class ShapeFolder
{
    /// <summary>18 discs and 18 squares (two class sub-folders) of 16×16, random colours and places, on a dark background; returns <paramref name="folder"/>.</summary>
    public static string Write(string folder)
    {
        var random = new Random(1);
        foreach (var shape in new[] { "disc", "square" })
        {
            Directory.CreateDirectory(Path.Combine(folder, shape));
            for (int i = 0; i < 18; i++)
            {
                using var bitmap = new SKBitmap(16, 16);
                using (var canvas = new SKCanvas(bitmap))
                using (var paint = new SKPaint { Color = new SKColor((byte)random.Next(128, 256), (byte)random.Next(128, 256), (byte)random.Next(128, 256)) })
                {
                    canvas.Clear(new SKColor(20, 20, 20));
                    float x = random.Next(5, 11), y = random.Next(5, 11);
                    if (shape == "disc") canvas.DrawCircle(x, y, 4, paint);
                    else canvas.DrawRect(x - 4, y - 4, 8, 8, paint);
                }
                using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
                File.WriteAllBytes(Path.Combine(folder, shape, $"{i:00}.png"), data.ToArray());
            }
        }
        return folder;
    }
}
