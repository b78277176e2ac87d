namespace Research.Framework.Data.Images;

/// <summary>An 8-bit image in memory, rows top to bottom, channels interleaved (H, W, C): C = 1 (grey) or 3 (RGB).</summary>
public sealed record PixelImage(int Width, int Height, int Channels, byte[] Pixels)
{
    /// <summary>The byte at row <paramref name="y"/>, column <paramref name="x"/>, channel <paramref name="c"/>.</summary>
    public byte this[int y, int x, int c] => Pixels[(y * Width + x) * Channels + c];
}
