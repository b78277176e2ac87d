using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Evaluation;

/// <summary>
/// Tiles a batch of images into one PNG, like torchvision's make_grid: images in rows of <c>columns</c>, separated
/// by <c>padding</c> black pixels. Values in [−1, 1] map to bytes as the reference does: clip(127.5·x + 128, 0, 255).
/// </summary>
public static class ImageGrid
{
    /// <summary>Encodes images (N, C, H, W) with C = 1 (grey) or 3 (RGB), values in [−1, 1], as a PNG grid.</summary>
    public static byte[] ToPng(Tensor images, int columns = 8, int padding = 2)
    {
        if (images.dim() != 4 || (images.shape[1] != 1 && images.shape[1] != 3))
            throw new ArgumentException($"An image grid needs images of shape (N, 1 or 3, H, W); got [{string.Join(", ", images.shape)}].", nameof(images));
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        using var scope = NewDisposeScope();
        int count = (int)images.shape[0], channels = (int)images.shape[1], height = (int)images.shape[2], width = (int)images.shape[3];
        var bytes = ToBytes(images).permute(0, 2, 3, 1).contiguous().data<byte>().ToArray(); // (N, H, W, C)
        int rows = (count + columns - 1) / columns;
        int gridWidth = padding + columns * (width + padding), gridHeight = padding + rows * (height + padding);

        using var bitmap = new SKBitmap(new SKImageInfo(gridWidth, gridHeight, SKColorType.Rgba8888, SKAlphaType.Opaque));
        bitmap.Erase(SKColors.Black);
        for (int n = 0; n < count; n++)
        {
            int left = padding + n % columns * (width + padding), top = padding + n / columns * (height + padding);
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    int at = ((n * height + y) * width + x) * channels;
                    bitmap.SetPixel(left + x, top + y, channels == 1
                        ? new SKColor(bytes[at], bytes[at], bytes[at])
                        : new SKColor(bytes[at], bytes[at + 1], bytes[at + 2]));
                }
        }
        return Encode(bitmap);
    }

    /// <summary>
    /// Columns for a labelled grid of <paramref name="count"/> images of <paramref name="classes"/> classes: a multiple of
    /// the class count, so label n mod K stays in its column, near √count so that few classes make a square grid rather
    /// than a strip (64 images of three classes: 9 columns, not 3), at most 16; 8 (or fewer images) without classes or
    /// with more than 16.
    /// </summary>
    public static int ClassColumns(int classes, int count) =>
        classes is > 0 and <= 16 ? classes * Math.Clamp((int)Math.Round(Math.Sqrt(count) / classes), 1, 16 / classes) : Math.Min(8, count);

    /// <summary>
    /// A grid of class-conditional samples that says which class each image was asked for: each column holds one class
    /// when there are at most 16 (labels 0, 1, …, K − 1 repeating, as <see cref="SampleGeneration"/> draws them, line up in
    /// columns; <see cref="ClassColumns"/>), each image drawn at <paramref name="scale"/>× with its class name (or number) in a strip under it.
    /// </summary>
    public static byte[] ToPng(Tensor images, Tensor labels, IReadOnlyList<string>? classNames = null, int classes = 0, int scale = 2, int padding = 2)
    {
        if (images.dim() != 4 || labels.dim() != 1 || labels.shape[0] != images.shape[0])
            throw new ArgumentException($"A labelled grid needs images (N, C, H, W) and N labels; got [{string.Join(", ", images.shape)}] and [{string.Join(", ", labels.shape)}].");
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        using var scope = NewDisposeScope();
        var plain = SKBitmap.Decode(ToPng(images, columns: 1, padding: 0));   // one column: image n at rows n·H …
        using var stacked = plain;
        var classOf = labels.to_type(ScalarType.Int64).cpu().data<long>().ToArray();
        int count = classOf.Length, height = (int)images.shape[2], width = (int)images.shape[3];
        int columns = ClassColumns(classes, count);
        const int strip = 13;
        int cellWidth = width * scale, cellHeight = height * scale + strip, rows = (count + columns - 1) / columns;
        using var bitmap = new SKBitmap(new SKImageInfo(padding + columns * (cellWidth + padding), padding + rows * (cellHeight + padding), SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Black);
            using var ink = new SKPaint { Color = SKColors.White, IsAntialias = true, TextSize = 10, TextAlign = SKTextAlign.Center };
            using var sampling = new SKPaint { IsAntialias = false };
            for (int n = 0; n < count; n++)
            {
                int left = padding + n % columns * (cellWidth + padding), top = padding + n / columns * (cellHeight + padding);
                canvas.DrawBitmap(stacked, new SKRect(0, n * height, width, (n + 1) * height), new SKRect(left, top, left + cellWidth, top + height * scale), sampling);
                var name = classNames is not null && classOf[n] >= 0 && classOf[n] < classNames.Count ? classNames[(int)classOf[n]] : classOf[n].ToString(System.Globalization.CultureInfo.InvariantCulture);
                while (name.Length > 1 && ink.MeasureText(name) > cellWidth) name = name[..^1];
                canvas.DrawText(name, left + cellWidth / 2f, top + height * scale + strip - 3, ink);
            }
        }
        return Encode(bitmap);
    }

    /// <summary>clip(127.5·x + 128, 0, 255) as bytes, the reference's mapping of [−1, 1] to pixels.</summary>
    public static Tensor ToBytes(Tensor images) =>
        (images.detach().to_type(ScalarType.Float32).cpu() * 127.5f + 128f).clamp(0, 255).to_type(ScalarType.Byte);

    internal static byte[] Encode(SKBitmap bitmap)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
