using Research.Framework.Interfaces;
using Research.Framework.Interfaces.Consistency;
using Research.Framework.Samplers;
using Research.Framework.Tests.Interfaces.Consistency;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Samplers;

public class ConsistencySamplerTests
{
    const double S = 0.8;
    const int N = 20_000;
    static readonly SctOptions Plain64 = new() { DType = ScalarType.Float64, Seed = 11, LogVarianceWeighting = false };

    static SctInterface ExactConsistency(Counter? counter = null) => new(new LambdaNetwork((input, t, c) =>
    {
        counter?.Add();
        return TrigFlowFields.ConsistencyF(input, t, S);
    }), TimeDist.LogNormal, Plain64);

    static Tensor UnitNoise(long seed) => randn([N], float64, generator: new Generator((ulong)seed));

    /// <summary>
    /// With the exact consistency function of N(0, s²) data, one step maps x_T = σ_d sin T·ε to N(0, s²·σ_d² sin² T/V(T))
    /// (≈ s², V(T) misses σ_d² by cos² T·(s² − σ_d²) ≈ 1e-5), and every re-noised step starts from an exact draw of
    /// x_s, so k steps stay at N(0, s²). Tolerance: 4 standard errors (SE(mean) 0.0057, SE(var) 0.0045) + 1e-4.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void ExactConsistencyFunctionSamplesTheDataInFewSteps(int steps)
    {
        using var scope = NewDisposeScope();
        var counter = new Counter();
        var samples = new ConsistencySampler(steps).Sample(ExactConsistency(counter), UnitNoise(3), new SampleOptions { Seed = 4 });
        var (mean, variance) = Fields.Moments(samples);
        TensorAssert.Close(0, mean, 4 * S / Math.Sqrt(N) + 1e-4, "mean");
        TensorAssert.Close(S * S, variance, 4 * S * S * Math.Sqrt(2.0 / (N - 1)) + 1e-4, "variance");
        Assert.Equal(steps, counter.Count);
    }

    /// <summary>Between steps the sampler draws fresh noise from the seeded stream: same seed, same samples; another seed differs.</summary>
    [Fact]
    public void ReNoisingDrawsFromTheSeededStream()
    {
        using var scope = NewDisposeScope();
        var model = ExactConsistency();
        var sampler = new ConsistencySampler(2);
        var a = sampler.Sample(model, UnitNoise(3), new SampleOptions { Seed = 4 });
        var b = sampler.Sample(model, UnitNoise(3), new SampleOptions { Seed = 4 });
        var c = sampler.Sample(model, UnitNoise(3), new SampleOptions { Seed = 5 });
        TensorAssert.Close(a, b, 0);
        Assert.True((a - c).abs().max().item<double>() > 0.1, "a different seed re-noises differently");
        // One step is deterministic: it uses no noise after the start.
        TensorAssert.Close(new ConsistencySampler(1).Sample(model, UnitNoise(3), new SampleOptions { Seed = 4 }),
            new ConsistencySampler(1).Sample(model, UnitNoise(3), new SampleOptions { Seed = 9 }), 0);
    }

    [Fact]
    public void TheDefaultGridIsSCMsTwoStepSchedule()
    {
        using var scope = NewDisposeScope();
        TensorAssert.Close(tensor(new[] { 1.5645, 0.0 }), new ConsistencySampler(1).TimeGrid(1), 0);
        TensorAssert.Close(tensor(new[] { 1.5645, 1.1, 0.0 }), new ConsistencySampler(2).TimeGrid(2), 0);
        TensorAssert.Close(tensor(new[] { 1.5645, 1.1, 0.55, 0.0 }), new ConsistencySampler(3).TimeGrid(3), 1e-15);
    }

    [Fact]
    public void ADiffusionModelOrABadGridIsRefusedBeforeAnyWork()
    {
        using var scope = NewDisposeScope();
        Sampler sampler = new ConsistencySampler(1);
        var trig = TrigFlowFields.Gaussian(S);
        var error = Assert.Throws<ArgumentException>(() => sampler.Sample(trig, UnitNoise(1)));
        Assert.Contains("IConsistencyModel", error.Message);
        var counter = new Counter();
        var grid = Assert.Throws<ArgumentException>(() => sampler.Sample(ExactConsistency(counter), UnitNoise(1),
            new SampleOptions { CustomGrid = tensor(new[] { 1.5, 0.5 }) }));
        Assert.Contains("ends at t = 0", grid.Message);
        Assert.Equal(0, counter.Count);
    }
}
