using System.Buffers.Binary;

namespace Research.Framework.Tracking.TensorBoard;

/// <summary>
/// TFRecord framing: little-endian uint64 length, masked CRC-32C of those 8 bytes, the data, masked CRC-32C of the
/// data. TensorBoard skips a file at the first bad CRC, so both are always written.
/// </summary>
internal sealed class TfRecordWriter(Stream stream) : IDisposable
{
    /// <summary>Appends one record.</summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Crc32C.Masked(header[..8]));
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, Crc32C.Masked(data));
        stream.Write(header);
        stream.Write(data);
        stream.Write(footer);
    }

    /// <summary>Pushes written records to disk so a crash or a live TensorBoard sees them.</summary>
    public void Flush() => stream.Flush();

    /// <inheritdoc />
    public void Dispose() => stream.Dispose();
}
