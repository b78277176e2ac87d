using System.Buffers.Binary;

namespace Research.Framework.Tests.Tracking;

/// <summary>The first bytes of a PNG (signature and IHDR) plus filler: all the trackers read of an image.</summary>
static class TestPng
{
    public static byte[] Create(int width, int height, byte colorType = 2, int filler = 40)
    {
        var png = new byte[33 + filler];
        new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(png, 0);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(8), 13);
        "IHDR"u8.CopyTo(png.AsSpan(12));
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        png[24] = 8;
        png[25] = colorType;
        for (var i = 33; i < png.Length; i++) png[i] = (byte)(i * 7);
        return png;
    }
}
