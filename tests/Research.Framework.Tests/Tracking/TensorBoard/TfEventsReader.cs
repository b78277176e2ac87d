using System.Buffers.Binary;

namespace Research.Framework.Tests.Tracking.TensorBoard;

/// <summary>
/// Reads a tfevents file back, checking both masked CRCs of every record with a bit-by-bit CRC-32C (independent of
/// the hardware one the writer uses), and decodes protobuf fields well enough to look inside events.
/// </summary>
static class TfEventsReader
{
    public static List<byte[]> Records(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var records = new List<byte[]>();
        var at = 0;
        while (at < bytes.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at));
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 8)) != MaskedReference(bytes.AsSpan(at, 8))) throw new InvalidDataException($"bad length CRC at {at}");
            var data = bytes.AsSpan(at + 12, length).ToArray();
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 12 + length)) != MaskedReference(data)) throw new InvalidDataException($"bad data CRC at {at}");
            records.Add(data);
            at += 12 + length + 4;
        }
        return records;
    }

    /// <summary>The fields of a message: (field number, wire type, value: ulong for varint/fixed, byte[] for length-delimited).</summary>
    public static List<(int Field, int Wire, object Value)> Fields(byte[] message)
    {
        var fields = new List<(int, int, object)>();
        var at = 0;
        while (at < message.Length)
        {
            var tag = Varint(message, ref at);
            var (field, wire) = ((int)(tag >> 3), (int)(tag & 7));
            object value = wire switch
            {
                0 => Varint(message, ref at),
                1 => BinaryPrimitives.ReadUInt64LittleEndian(message.AsSpan((at += 8) - 8)),
                5 => (ulong)BinaryPrimitives.ReadUInt32LittleEndian(message.AsSpan((at += 4) - 4)),
                2 => Slice(message, ref at),
                _ => throw new InvalidDataException($"wire type {wire}"),
            };
            fields.Add((field, wire, value));
        }
        return fields;
    }

    public static object One(byte[] message, int field) => Fields(message).Single(f => f.Field == field).Value;

    static byte[] Slice(byte[] message, ref int at)
    {
        var length = (int)Varint(message, ref at);
        var slice = message.AsSpan(at, length).ToArray();
        at += length;
        return slice;
    }

    static ulong Varint(byte[] message, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = message[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
    }

    public static uint Reference(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var i = 0; i < 8; i++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }
        return ~crc;
    }

    static uint MaskedReference(ReadOnlySpan<byte> data)
    {
        var crc = Reference(data);
        return unchecked(((crc >> 15) | (crc << 17)) + 0xa282ead8u);
    }
}
