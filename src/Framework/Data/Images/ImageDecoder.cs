using SkiaSharp;

namespace Research.Framework.Data.Images;

/// <summary>PNG and JPEG files to 8-bit pixels with SkiaSharp, converted as Pillow's <c>convert("RGB")</c> / <c>convert("L")</c> do.</summary>
public static class ImageDecoder
{
    /// <summary>The file name endings read as images (compared without case).</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".png", ".jpg", ".jpeg"];

    /// <summary>True when the file's name ends in one of <see cref="Extensions"/>.</summary>
    public static bool IsImage(string path) => Extensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    /// <summary>The width and height from the file's header (nothing decoded); an <see cref="InvalidDataException"/> when Skia cannot read it.</summary>
    public static (int Width, int Height) Header(string path)
    {
        using var codec = SKCodec.Create(path) ?? throw new InvalidDataException("not a PNG or JPEG SkiaSharp can read");
        if (codec.Info.Width <= 0 || codec.Info.Height <= 0) throw new InvalidDataException($"its header says {codec.Info.Width}×{codec.Info.Height}");
        return (codec.Info.Width, codec.Info.Height);
    }

    /// <summary>
    /// Decodes the file to <paramref name="channels"/> = 3 (RGB; a grey file is repeated, alpha dropped unblended as
    /// Pillow does) or 1 (luma L = (19595 R + 38470 G + 7471 B + 2¹⁵) >> 16, Pillow's ITU-R 601-2 conversion).
    /// An unreadable or truncated file is an <see cref="InvalidDataException"/>.
    /// </summary>
    public static PixelImage Decode(string path, int channels)
    {
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be 1 (grey) or 3 (RGB)");
        using var codec = SKCodec.Create(path) ?? throw new InvalidDataException("not a PNG or JPEG SkiaSharp can read");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = new byte[info.BytesSize];
        var handle = System.Runtime.InteropServices.GCHandle.Alloc(rgba, System.Runtime.InteropServices.GCHandleType.Pinned);
        SKCodecResult result;
        try { result = codec.GetPixels(info, handle.AddrOfPinnedObject()); }
        finally { handle.Free(); }
        if (result != SKCodecResult.Success) throw new InvalidDataException($"decoding failed ({result})");
        int count = info.Width * info.Height;
        var pixels = new byte[count * channels];
        for (int p = 0; p < count; p++)
        {
            int r = rgba[4 * p], g = rgba[4 * p + 1], b = rgba[4 * p + 2];
            if (channels == 3) (pixels[3 * p], pixels[3 * p + 1], pixels[3 * p + 2]) = ((byte)r, (byte)g, (byte)b);
            else pixels[p] = (byte)((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
        }
        return new PixelImage(info.Width, info.Height, channels, pixels);
    }
}
