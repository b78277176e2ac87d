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
