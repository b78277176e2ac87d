using SkiaSharp;

namespace Research.Framework.Tests.Data.Images;

/// <summary>Tiny PNG files written with SkiaSharp, pixel by pixel, for the image-folder tests.</summary>
static class TestImages
{
    /// <summary>Writes a PNG whose pixel (x, y) is <paramref name="colour"/>(x, y).</summary>
    public static string Png(string path, int width, int height, Func<int, int, SKColor> colour)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                bitmap.SetPixel(x, y, colour(x, y));
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    /// <summary>A grey PNG from a row-major table of values.</summary>
    public static string Grey(string path, byte[,] values) =>
        Png(path, values.GetLength(1), values.GetLength(0), (x, y) => new SKColor(values[y, x], values[y, x], values[y, x]));

    /// <summary>A temporary folder, deleted with the returned handle.</summary>
    public static TempFolder Folder() => new(Directory.CreateTempSubdirectory("imagefolder-").FullName);

    public sealed class TempFolder(string path) : IDisposable
    {
        public string Path { get; } = path;
        public string Cache => System.IO.Path.Combine(Path, ".cache");
        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
