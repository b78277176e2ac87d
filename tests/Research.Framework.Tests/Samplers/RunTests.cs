using Research.Framework.Samplers;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Samplers;

/// <summary>Seeded determinism, memory and the caller's input.</summary>
public class RunTests
{
    static Tensor SampleWith(Sampler sampler, Research.Framework.Interfaces.Interface model, long seed)
    {
        var x = randn([64, 3], float64, generator: new Generator(1));
        return sampler.Sample(model, x, new SampleOptions { Seed = seed });
    }

    [Fact]
    public void SeededStochasticSamplingIsBitIdentical()
    {
        using var scope = NewDisposeScope();
        var em = new EulerMaruyama(20, new UniformGrid(tStart: 0.999));
        var sit = Fields.GaussianSiT(0.3, 0.7);
        Assert.Equal(TensorAssert.Values(SampleWith(em, sit, 7)), TensorAssert.Values(SampleWith(em, sit, 7)));
        Assert.NotEqual(TensorAssert.Values(SampleWith(em, sit, 7)), TensorAssert.Values(SampleWith(em, sit, 8)));

        var churn = new EdmStochastic(16, churn: 5);
        var edm = Fields.GaussianEdm(0.3, 0.7);
        Assert.Equal(TensorAssert.Values(SampleWith(churn, edm, 7)), TensorAssert.Values(SampleWith(churn, edm, 7)));
        Assert.NotEqual(TensorAssert.Values(SampleWith(churn, edm, 7)), TensorAssert.Values(SampleWith(churn, edm, 8)));
    }

    /// <summary>
    /// Live tensors right after sampling (inside the caller's scope) do not depend on the number of steps: each step
    /// runs in a dispose scope and the multistep history is disposed with the run, so 10 and 2,000 steps leave the same
    /// count (the result, the null labels if any). Without the step scopes the count grows by several tensors per step.
    /// </summary>
    [Theory]
    [InlineData("heun")]
    [InlineData("dpm")]
    [InlineData("em")]
    public void LiveTensorsStayFlatOverThousandsOfSteps(string name)
    {
        var model = Fields.GaussianSiT(0.3, 0.7);
        var x = randn(8, float64);
        long LiveAfter(int steps)
        {
            Sampler sampler = name switch
            {
                "heun" => new Heun(steps),
                "dpm" => new DpmSolverPlusPlus2M(steps),
                _ => new EulerMaruyama(steps, new UniformGrid(tStart: 0.999)),
            };
            using var scope = NewDisposeScope();
            long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            sampler.Sample(model, x, new SampleOptions { Seed = 1 });
            return DisposeScopeManager.Statistics.ThreadTotalLiveCount - before;
        }
        long few = LiveAfter(10);
        Assert.Equal(few, LiveAfter(2000));
        Assert.True(few <= 2, $"sampling left {few} tensors alive");
    }

    [Fact]
    public void TheCallersInputIsNeitherDisposedNorModified()
    {
        using var scope = NewDisposeScope();
        var x = randn(4, 2, float64);
        var copy = x.clone();
        new DpmSolverPlusPlus2M(5).Sample(Fields.GaussianSiT(0.3, 0.7), x);
        new EulerMaruyama(5, new UniformGrid(tStart: 0.999)).Sample(Fields.GaussianSiT(0.3, 0.7), x);
        TensorAssert.Close(copy, x, 0);
    }
}
