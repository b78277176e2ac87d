using System.Buffers.Binary;

namespace Research.Framework.Tracking;

/// <summary>
/// Width, height and channel layout read from a PNG's IHDR chunk. TensorBoard's image summary and W&amp;B's
/// <c>image-file</c> value both carry them, and reading 26 bytes is cheaper than decoding the image.
/// </summary>
/// <param name="Width">Pixels per row.</param>
/// <param name="Height">Rows.</param>
/// <param name="Channels">1 gray, 2 gray+alpha, 3 RGB (also palette images), 4 RGBA: TensorBoard's colorspace numbering.</param>
public readonly record struct PngHeader(int Width, int Height, int Channels)
{
    static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Reads the header; throws <see cref="ArgumentException"/> for bytes that are not a PNG.</summary>
    public static PngHeader Read(ReadOnlySpan<byte> png)
    {
        if (png.Length < 26 || !png[..8].SequenceEqual(Signature) || !png.Slice(12, 4).SequenceEqual("IHDR"u8))
            throw new ArgumentException("not a PNG (no signature and IHDR chunk)", nameof(png));
        var width = BinaryPrimitives.ReadInt32BigEndian(png.Slice(16, 4));
        var height = BinaryPrimitives.ReadInt32BigEndian(png.Slice(20, 4));
        var channels = png[25] switch { 0 => 1, 4 => 2, 2 or 3 => 3, 6 => 4, var other => throw new ArgumentException($"unknown PNG colour type {other}", nameof(png)) };
        return new PngHeader(width, height, channels);
    }
}
