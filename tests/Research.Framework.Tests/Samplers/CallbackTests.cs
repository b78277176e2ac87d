using Research.Framework.Interfaces;
using Research.Framework.Samplers;
using Research.Framework.Tests.TestSupport;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Samplers;

/// <summary>The per-step callback of <see cref="SampleOptions.Callback"/>: once per step, the step's start time, x there, x₀ there.</summary>
public class CallbackTests
{
    const double Mu = 1.5, S = 0.5;

    sealed record Seen(int Step, double T, double[] X, double[]? Denoised);

    static List<Seen> Record(Sampler sampler, Interface model, int steps)
    {
        var seen = new List<Seen>();
        var options = new SampleOptions
        {
            Steps = steps,
            Seed = 2,
            Callback = s => seen.Add(new Seen(s.Step, s.T, TensorAssert.Values(s.X), s.Denoised is null ? null : TensorAssert.Values(s.Denoised))),
        };
        using var scope = NewDisposeScope();
        sampler.Sample(model, randn([5], float64, generator: new TorchSharp.torch.Generator(1)), options);
        return seen;
    }

    /// <summary>
    /// Heun, DPM-Solver++ (state: a history) and Euler–Maruyama (state: w on the grid) on SiT with the exact Gaussian
    /// velocity: one call per step with the grid's start time, and the x₀ estimate at the step's start equals the
    /// Gaussian posterior mean mu + (1 − t)s²(x − (1 − t)mu)/((1 − t)²s² + t²).
    /// </summary>
    [Theory]
    [InlineData("heun")]
    [InlineData("dpm")]
    [InlineData("em")]
    public void CalledOncePerStepWithTheGridTimeAndThePosteriorMean(string name)
    {
        const int steps = 6;
        Sampler sampler = name switch
        {
            "heun" => new Heun(steps),
            "dpm" => new DpmSolverPlusPlus2M(steps),
            _ => new EulerMaruyama(steps, new UniformGrid(tStart: 0.999), DiffusionCoeff.Constant) { MaxStepFactor = double.PositiveInfinity },
        };
        var seen = Record(sampler, Fields.GaussianSiT(Mu, S), steps);
        double[] grid;
        using (var g = sampler.TimeGrid(steps)) grid = TensorAssert.Values(g);

        Assert.Equal(Enumerable.Range(0, steps), seen.Select(s => s.Step));
        Assert.Equal(grid[..steps], seen.Select(s => s.T));
        foreach (var s in seen)
        {
            double t = s.T, variance = (1 - t) * (1 - t) * S * S + t * t;
            var expected = s.X.Select(x => Mu + (1 - t) * S * S * (x - (1 - t) * Mu) / variance).ToArray();
            Assert.NotNull(s.Denoised);
            for (int i = 0; i < expected.Length; i++) TensorAssert.Close(expected[i], s.Denoised![i], 1e-9, $"{name} step {s.Step} x₀[{i}]");
        }
    }

    /// <summary>The x passed at step i + 1 is the result of step i (the callback sees the trajectory, not a copy of the start).</summary>
    [Fact]
    public void TheCallbackSeesTheTrajectory()
    {
        var seen = Record(new Euler(4), Fields.GaussianSiT(Mu, S), 4);
        Assert.Equal(4, seen.Count);
        Assert.NotEqual(seen[0].X, seen[1].X);
    }
}
