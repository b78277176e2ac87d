using Research.Framework.Evaluation;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Evaluation;

public class FeatureStatisticsTests
{
    /// <summary>
    /// Uneven batches (1, 7, 300, 2, 690) streamed through the accumulator equal the batch computation
    /// μ = mean, Σ = (X − μ)ᵀ(X − μ)/(N − 1), to 1e-10 relative. The features have a large offset (1e4) against unit
    /// spread, where the raw Σffᵀ − Nμμᵀ form loses ~8 digits.
    /// </summary>
    [Fact]
    public void StreamingStatisticsEqualTheBatchComputation()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(4, CPU);
        var x = randn([1000, 5], ScalarType.Float64, generator: generator).mm(randn([5, 5], ScalarType.Float64, generator: generator)) + 1e4;
        using var accumulator = new MomentAccumulator();
        long start = 0;
        foreach (long size in new long[] { 1, 7, 300, 2, 690 }) { accumulator.Add(x.narrow(0, start, size).to_type(ScalarType.Float64)); start += size; }
        using var streamed = accumulator.ToStatistics();

        var mean = x.mean([0]);
        var centred = x - mean;
        var covariance = centred.t().mm(centred) / 999;

        Assert.Equal(1000, streamed.Count);
        TensorAssert.Close(mean, streamed.Mean, atol: 0, rtol: 1e-12);
        TensorAssert.Close(covariance, streamed.Covariance, atol: 1e-10 * covariance.abs().max().item<double>());
    }

    /// <summary>Save then load gives bit-identical statistics and the same SHA-256; a changed value changes the hash.</summary>
    [Fact]
    public void SavedStatisticsLoadBackExactlyWithTheSameHash()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(6, CPU);
        using var stats = FeatureStatistics.FromFeatures(randn([50, 4], ScalarType.Float64, generator: generator));
        string path = Path.Combine(Path.GetTempPath(), $"stats-{Guid.NewGuid():N}.bin");
        try
        {
            stats.Save(path);
            using var loaded = FeatureStatistics.Load(path);
            Assert.Equal(stats.Count, loaded.Count);
            TensorAssert.Close(stats.Mean, loaded.Mean, 0);
            TensorAssert.Close(stats.Covariance, loaded.Covariance, 0);
            Assert.Equal(stats.Sha256(), loaded.Sha256());
            using var shifted = new FeatureStatistics(stats.Mean + 1e-9, stats.Covariance, stats.Count);
            Assert.NotEqual(stats.Sha256(), shifted.Sha256());
        }
        finally { File.Delete(path); }
    }
}
