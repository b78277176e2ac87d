using System.IO.Compression;
using Research.Framework.Data;
using Research.Framework.Tests.TestSupport;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Data;

public sealed class IdxFileTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("idx-tests-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>Writes an unsigned-byte IDX file by hand (big-endian dimensions), optionally gzipped.</summary>
    internal static void Write(string path, int[] dims, byte[] data, bool gzip, byte type = 0x08)
    {
        using var file = File.Create(path);
        using Stream stream = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        stream.Write([0, 0, type, (byte)dims.Length]);
        foreach (int d in dims) stream.Write([(byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d]);
        stream.Write(data);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsRawAndGzippedFiles(bool gzip)
    {
        var data = Enumerable.Range(0, 2 * 3 * 300).Select(i => (byte)(i % 251)).ToArray();
        var path = Path.Combine(folder, "x");
        Write(path, [2, 3, 300], data, gzip); // 300 > 255 checks the big-endian dimension
        var file = IdxFile.Read(path);
        Assert.Equal(new[] { 2, 3, 300 }, file.Dimensions);
        Assert.Equal(data, file.Data);
    }

    [Fact]
    public void RejectsWrongTypeTruncationAndTrailingBytes()
    {
        var path = Path.Combine(folder, "bad");
        Write(path, [4], [1, 2, 3, 4], false, type: 0x0D);
        Assert.Contains("0x0d", Assert.Throws<InvalidDataException>(() => IdxFile.Read(path)).Message);
        Write(path, [5], [1, 2, 3, 4], false);
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => IdxFile.Read(path)).Message);
        Write(path, [3], [1, 2, 3, 4], false);
        Assert.Contains("trailing", Assert.Throws<InvalidDataException>(() => IdxFile.Read(path)).Message);
    }

    [Fact]
    public void FashionMnistFromSelfWrittenFilesScalesPadsAndLabels()
    {
        var pixels = new byte[3 * 28 * 28];
        pixels[0] = 255;                 // image 0, top-left pixel
        pixels[28 * 28 + 5] = 51;        // image 1, row 0, column 5
        Write(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"), [3, 28, 28], pixels, true);
        Write(Path.Combine(folder, "t10k-labels-idx1-ubyte"), [3], [7, 0, 9], false);
        using var scope = NewDisposeScope();
        using var plain = FashionMnist.Load(new FashionMnistOptions { Folder = folder, Train = false });
        using var padded = FashionMnist.Load(new FashionMnistOptions { Folder = folder, Train = false, PadTo32 = true });
        Assert.Equal(3, plain.Count);
        Assert.Equal(10, plain.NumClasses);
        Assert.Equal(new long[] { 1, 28, 28 }, plain.SampleShape);
        Assert.Equal(new long[] { 1, 32, 32 }, padded.SampleShape);

        var batch = plain.Gather(tensor(new long[] { 1, 0 }));
        Assert.Equal(new long[] { 2, 1, 28, 28 }, batch.X.shape);
        Assert.Equal(ScalarType.Float32, batch.X.dtype);
        Assert.Equal(new double[] { 0, 7 }, TensorAssert.Values(batch.Labels!));
        Assert.Equal(ScalarType.Int64, batch.Labels!.dtype);
        TensorAssert.Close(51 / 127.5 - 1, TensorAssert.Scalar(batch.X[0, 0, 0, 5]), 1e-6, "scaled pixel");
        TensorAssert.Close(1, TensorAssert.Scalar(batch.X[1, 0, 0, 0]), 1e-6, "white pixel");
        TensorAssert.Close(-1, TensorAssert.Scalar(batch.X[1, 0, 0, 1]), 1e-6, "black pixel");

        var pad = padded.Gather(tensor(new long[] { 0 })).X;
        Assert.Equal(new long[] { 1, 1, 32, 32 }, pad.shape);
        TensorAssert.Close(1, TensorAssert.Scalar(pad[0, 0, 2, 2]), 1e-6, "padded white pixel");
        Assert.Equal(-1.0, TensorAssert.Scalar(pad[.., .., ..2].max()));
    }

    [Fact]
    public void MissingFilesGiveAnErrorThatSaysHowToGetThem()
    {
        var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(new FashionMnistOptions { Folder = folder }));
        Assert.Contains("apt-get install -y dataset-fashion-mnist", e.Message);
        Assert.Contains("FashionMnistOptions.Folder", e.Message);
        Assert.Contains(folder, e.Message);
    }
}
