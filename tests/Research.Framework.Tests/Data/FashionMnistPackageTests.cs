using Research.Framework.Data;
using Research.Framework.Tests.TestSupport;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Data;

public class FashionMnistPackageTests
{
    /// <summary>With the Debian package: the real shapes and label balance; without it: the clear install error.</summary>
    [Fact]
    public void DefaultFolderGivesTheRealSetsOrTheInstallHint()
    {
        bool installed = File.Exists(Path.Combine(FashionMnistOptions.DebianFolder, "t10k-labels-idx1-ubyte.gz"));
        if (!installed)
        {
            var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load());
            Assert.Contains("apt-get install -y dataset-fashion-mnist", e.Message);
            return;
        }
        using var scope = NewDisposeScope();
        using var train = FashionMnist.Load();
        using var test = FashionMnist.Load(new FashionMnistOptions { Train = false, PadTo32 = true });
        Assert.Equal(60_000, train.Count);
        Assert.Equal(10_000, test.Count);
        var batch = test.Gather(arange(10_000, ScalarType.Int64));
        Assert.Equal(new long[] { 10_000, 1, 32, 32 }, batch.X.shape);
        Assert.True(TensorAssert.Scalar(batch.X.min()) >= -1 && TensorAssert.Scalar(batch.X.max()) <= 1);
        Assert.All(TensorAssert.Values(bincount(batch.Labels!, minlength: 10)), c => Assert.Equal(1000, c)); // the test split is balanced
    }
}
