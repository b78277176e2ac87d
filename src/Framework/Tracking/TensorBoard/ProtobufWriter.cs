using System.Buffers.Binary;
using System.Text;

namespace Research.Framework.Tracking.TensorBoard;

/// <summary>
/// The few protobuf encodings a tfevents file needs (varints, 64-bit and 32-bit fixed, length-delimited), written by
/// hand: a dozen fields of Event and Summary do not justify a protobuf package and generated code.
/// </summary>
internal sealed class ProtobufWriter
{
    readonly MemoryStream buffer = new();

    /// <summary>The encoded message so far.</summary>
    public byte[] ToArray() => buffer.ToArray();

    /// <summary>A double (wire type 1, little-endian fixed 64 bits).</summary>
    public ProtobufWriter Double(int field, double value) => Fixed(field, 1, BitConverter.DoubleToUInt64Bits(value), 8);

    /// <summary>A float (wire type 5, little-endian fixed 32 bits).</summary>
    public ProtobufWriter Float(int field, float value) => Fixed(field, 5, BitConverter.SingleToUInt32Bits(value), 4);

    /// <summary>An int32 or int64 (wire type 0; negative numbers take ten bytes, as protobuf specifies).</summary>
    public ProtobufWriter Int(int field, long value)
    {
        Tag(field, 0);
        Varint(unchecked((ulong)value));
        return this;
    }

    /// <summary>A UTF-8 string (wire type 2).</summary>
    public ProtobufWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>Bytes or an embedded message (wire type 2).</summary>
    public ProtobufWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, 2);
        Varint((ulong)value.Length);
        buffer.Write(value);
        return this;
    }

    /// <summary>An embedded message built by <paramref name="build"/>.</summary>
    public ProtobufWriter Message(int field, Action<ProtobufWriter> build)
    {
        var inner = new ProtobufWriter();
        build(inner);
        return Bytes(field, inner.ToArray());
    }

    ProtobufWriter Fixed(int field, int wireType, ulong bits, int size)
    {
        Tag(field, wireType);
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, bits);
        buffer.Write(bytes[..size]);
        return this;
    }

    void Tag(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

    void Varint(ulong value)
    {
        while (value >= 0x80)
        {
            buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        buffer.WriteByte((byte)value);
    }
}
