using System.Globalization;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Data;

/// <summary>
/// Writes tensors in NumPy's .npy format (version 1.0, little-endian float32 or int64, C order), so samples open
/// with numpy.load.
/// </summary>
public static class NpyFile
{
    static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0];

    /// <summary>Writes <paramref name="values"/> (float types as float32, integer types as int64) to <paramref name="path"/>.</summary>
    public static void Write(string path, Tensor values)
    {
        using var scope = NewDisposeScope();
        bool floating = is_floating_point(values);
        var data = values.detach().cpu().to_type(floating ? ScalarType.Float32 : ScalarType.Int64).contiguous();
        var shape = values.shape.Length == 1 ? $"({values.shape[0]},)" : $"({string.Join(", ", values.shape)})";
        var header = $"{{'descr': '{(floating ? "<f4" : "<i8")}', 'fortran_order': False, 'shape': {shape}, }}";
        // Magic (8) + header length (2) + header + padding + '\n' is a multiple of 64.
        int padded = (Magic.Length + 2 + header.Length + 1 + 63) / 64 * 64 - Magic.Length - 2;
        header = header.PadRight(padded - 1) + "\n";

        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        using var writer = new BinaryWriter(file);
        writer.Write(Magic);
        writer.Write((ushort)header.Length);
        writer.Write(Encoding.ASCII.GetBytes(header));
        writer.Write(data.bytes);
    }

    /// <summary>Reads the shape and float32 values of a file written by <see cref="Write"/> (for tests and tools).</summary>
    public static (long[] Shape, float[] Values) ReadFloat32(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (!bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic)) throw new InvalidDataException($"{path} is not a version 1.0 .npy file.");
        int headerLength = BitConverter.ToUInt16(bytes, Magic.Length);
        var header = Encoding.ASCII.GetString(bytes, Magic.Length + 2, headerLength);
        if (!header.Contains("'descr': '<f4'")) throw new InvalidDataException($"{path} does not hold little-endian float32 values: {header.Trim()}");
        int open = header.IndexOf("'shape': (", StringComparison.Ordinal) + 10;
        var shape = header[open..header.IndexOf(')', open)].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => long.Parse(d, CultureInfo.InvariantCulture)).ToArray();
        int start = Magic.Length + 2 + headerLength;
        var values = new float[(bytes.Length - start) / 4];
        Buffer.BlockCopy(bytes, start, values, 0, values.Length * 4);
        return (shape, values);
    }
}
