using System.Buffers.Binary;
using System.IO.Compression;

namespace Research.Framework.Data;

/// <summary>
/// An unsigned-byte IDX file (the MNIST format): magic 0x00 0x00 0x08 n, then n big-endian int32 dimensions,
/// then the bytes in row-major order. Gzip-compressed files (magic 0x1f 0x8b) are read transparently.
/// </summary>
/// <param name="Dimensions">The n dimensions, e.g. [60000, 28, 28] for images or [60000] for labels.</param>
/// <param name="Data">The ∏ dimensions bytes.</param>
public sealed record IdxFile(int[] Dimensions, byte[] Data)
{
    /// <summary>Reads <paramref name="path"/>; throws <see cref="InvalidDataException"/> naming the file on any format error.</summary>
    public static IdxFile Read(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[2];
        int got = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        using Stream stream = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b ? new GZipStream(file, CompressionMode.Decompress) : file;
        try
        {
            return Parse(stream);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"{path}: the IDX file is truncated");
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Parses an uncompressed IDX stream.</summary>
    public static IdxFile Parse(Stream stream)
    {
        var header = new byte[4];
        stream.ReadExactly(header);
        if (header[0] != 0 || header[1] != 0) throw new InvalidDataException("not an IDX file (the magic number must start with two zero bytes)");
        if (header[2] != 0x08) throw new InvalidDataException($"only unsigned-byte IDX data (type 0x08) is supported, got type 0x{header[2]:x2}");
        int rank = header[3];
        if (rank == 0) throw new InvalidDataException("an IDX file needs at least one dimension");
        var dimensions = new int[rank];
        var buffer = new byte[4];
        long total = 1;
        for (int i = 0; i < rank; i++)
        {
            stream.ReadExactly(buffer);
            dimensions[i] = BinaryPrimitives.ReadInt32BigEndian(buffer);
            if (dimensions[i] < 0) throw new InvalidDataException($"dimension {i} is negative ({dimensions[i]})");
            total *= dimensions[i];
        }
        if (total > Array.MaxLength) throw new InvalidDataException($"{total} bytes do not fit in one array");
        var data = new byte[total];
        stream.ReadExactly(data);
        if (stream.ReadByte() != -1) throw new InvalidDataException($"trailing bytes after the {total} bytes of data");
        return new IdxFile(dimensions, data);
    }
}
