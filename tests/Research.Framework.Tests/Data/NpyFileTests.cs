using System.Text;
using Research.Framework.Data;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Data;

public sealed class NpyFileTests : IDisposable
{
    readonly string path = Path.Combine(Path.GetTempPath(), $"npy-{Guid.NewGuid():N}.npy");

    public void Dispose() => File.Delete(path);

    [Fact]
    public void WritesTheVersionOneLayoutWithAnAlignedHeader()
    {
        using var scope = NewDisposeScope();
        NpyFile.Write(path, arange(6, ScalarType.Float64).reshape(2, 3) / 2);

        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }, bytes[..8]);
        int headerLength = BitConverter.ToUInt16(bytes, 8);
        Assert.Equal(0, (10 + headerLength) % 64);
        var header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.StartsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", header);
        Assert.EndsWith("\n", header);
        Assert.Equal(10 + headerLength + 6 * 4, bytes.Length);
        Assert.Equal(2.5f, BitConverter.ToSingle(bytes, 10 + headerLength + 5 * 4)); // C order: element [1, 2]
    }

    [Fact]
    public void RoundTripsValuesAndOneDimensionalShapes()
    {
        using var scope = NewDisposeScope();
        NpyFile.Write(path, tensor(new[] { 1.5f, -2f, 3.25f }));
        var (shape, values) = NpyFile.ReadFloat32(path);
        Assert.Equal(new long[] { 3 }, shape);
        Assert.Equal(new[] { 1.5f, -2f, 3.25f }, values);
        Assert.Contains("'shape': (3,)", Encoding.ASCII.GetString(File.ReadAllBytes(path)));
    }
}
