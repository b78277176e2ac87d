using System.Numerics;

namespace Research.Framework.Tracking.TensorBoard;

/// <summary>
/// CRC-32C (Castagnoli) and the "masked" form TFRecord framing stores. TensorFlow masks CRCs because a CRC of data
/// that itself contains CRCs is weak; the mask is <c>((crc &gt;&gt; 15) | (crc &lt;&lt; 17)) + 0xa282ead8</c>.
/// <see cref="BitOperations.Crc32C(uint, byte)"/> is one hardware step, so no package is needed.
/// </summary>
public static class Crc32C
{
    /// <summary>The CRC-32C of <paramref name="data"/> (0xE3069283 for ASCII "123456789").</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BitConverter.ToUInt64(data));
            data = data[8..];
        }
        foreach (var b in data) crc = BitOperations.Crc32C(crc, b);
        return ~crc;
    }

    /// <summary>TensorFlow's mask of a CRC.</summary>
    public static uint Mask(uint crc) => unchecked(((crc >> 15) | (crc << 17)) + 0xa282ead8u);

    /// <summary>The masked CRC-32C of <paramref name="data"/>, as written after a TFRecord's length and data.</summary>
    public static uint Masked(ReadOnlySpan<byte> data) => Mask(Compute(data));
}
