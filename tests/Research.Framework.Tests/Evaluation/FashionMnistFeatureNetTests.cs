using Research.Framework.Data;
using Research.Framework.Evaluation;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Evaluation;

/// <summary>One feature network trained once for the whole test class, briefly, in a temporary cache.</summary>
public sealed class TrainedFashionMnistFeatures : IDisposable
{
    public TrainedFashionMnistFeatures()
    {
        CacheFolder = Path.Combine(Path.GetTempPath(), $"fmnist-features-{Guid.NewGuid():N}");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Net = FashionMnistFeatureNet.LoadOrTrain(Options);
        TrainingSeconds = watch.Elapsed.TotalSeconds;
    }

    public string CacheFolder { get; }

    /// <summary>A shortened training (120 steps of batch 64) that keeps this class within its time budget.</summary>
    public FashionMnistFeatureOptions Options => new() { CacheFolder = CacheFolder, Steps = 120, BatchSize = 64 };

    public FashionMnistFeatureNet Net { get; }

    public double TrainingSeconds { get; }

    public void Dispose()
    {
        Net.Dispose();
        Directory.Delete(CacheFolder, recursive: true);
    }
}

public class FashionMnistFeatureNetTests(TrainedFashionMnistFeatures trained, ITestOutputHelper output) : IClassFixture<TrainedFashionMnistFeatures>
{
    /// <summary>
    /// Even the shortened training (120 Adam steps of batch 64, seed 0) must classify the 10,000 test images with at
    /// least 75% accuracy, far above chance (10%), so the penultimate layer encodes the classes. Measured: 80.4% (in
    /// 37.6 s on the shared 2-core machine). The default options (600 steps of batch 128) are not yet measured on this
    /// architecture; an earlier 3×3-conv CNN reached 86.7% with them.
    /// </summary>
    [Fact]
    public void TheDefaultNetworkClassifiesTheTestSplitAccurately()
    {
        output.WriteLine($"test accuracy {trained.Net.TestAccuracy:P2}, trained in {trained.TrainingSeconds:F1} s");
        Assert.False(trained.Net.FromCache);
        Assert.True(trained.Net.TestAccuracy >= 0.75, $"test accuracy {trained.Net.TestAccuracy:P2}");
    }

    /// <summary>
    /// FD between two disjoint halves (1,000 each) of the test split is small, and FD between real images and
    /// uniform noise in [−1, 1] is at least 20 times larger (the numbers are printed; see the Evaluation README).
    /// </summary>
    [Fact]
    public void RealImagesAreFarCloserToRealImagesThanNoiseIs()
    {
        using var scope = NewDisposeScope();
        using var test = FashionMnist.Load(new FashionMnistOptions { Train = false, PadTo32 = true });
        var first = test.Gather(arange(0, 1000, ScalarType.Int64)).X;
        var second = test.Gather(arange(1000, 2000, ScalarType.Int64)).X;
        using var generator = new Generator(21, CPU);
        var noise = rand([1000, 1, 32, 32], generator: generator) * 2 - 1;
        using var a = FeatureExtraction.Statistics(trained.Net, first);
        using var b = FeatureExtraction.Statistics(trained.Net, second);
        using var n = FeatureExtraction.Statistics(trained.Net, noise);

        double realVsReal = FrechetDistance.Compute(a, b), realVsNoise = FrechetDistance.Compute(a, n);

        output.WriteLine($"FD real vs real {realVsReal:F3}, real vs noise {realVsNoise:F3}, ratio {realVsNoise / realVsReal:F1}");
        Assert.True(realVsNoise > 20 * realVsReal, $"FD real/real {realVsReal}, real/noise {realVsNoise}");
    }

    /// <summary>
    /// A second call with the same options loads the cache (same hash, identical features); a corrupted cache file
    /// fails the SHA-256 check and is retrained — to the same weights, since training is seeded (exact hash equality).
    /// </summary>
    [Fact]
    public void TheCacheIsReusedVerifiedAndRebuiltWhenCorrupted()
    {
        var options = new FashionMnistFeatureOptions { CacheFolder = Path.Combine(trained.CacheFolder, "tiny"), Steps = 5, BatchSize = 32, TrainSubset = 256, TestSubset = 100 };
        using var scope = NewDisposeScope();
        var images = rand([4, 1, 28, 28]) * 2 - 1;
        using var fresh = FashionMnistFeatureNet.LoadOrTrain(options);
        using var cached = FashionMnistFeatureNet.LoadOrTrain(options);
        Assert.False(fresh.FromCache);
        Assert.True(cached.FromCache);
        Assert.Equal(fresh.WeightsHash, cached.WeightsHash);
        Assert.Equal(fresh.TestAccuracy, cached.TestAccuracy);
        Assert.Equal(TensorAssert.Values(fresh.Features(images)), TensorAssert.Values(cached.Features(images)));

        var (weights, _) = FashionMnistFeatureNet.CachePaths(options);
        var bytes = File.ReadAllBytes(weights);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(weights, bytes);
        using var rebuilt = FashionMnistFeatureNet.LoadOrTrain(options);
        Assert.False(rebuilt.FromCache);
        Assert.Equal(fresh.WeightsHash, rebuilt.WeightsHash);
    }
}
