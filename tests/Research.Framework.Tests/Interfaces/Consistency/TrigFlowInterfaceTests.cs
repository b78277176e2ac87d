using Research.Framework.Interfaces;
using Research.Framework.Interfaces.Consistency;
using Research.Framework.Samplers;
using Research.Framework.Tests.Samplers;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using static Research.Framework.Tests.Interfaces.Consistency.TrigFlowFields;

namespace Research.Framework.Tests.Interfaces.Consistency;

public class TrigFlowInterfaceTests
{
    const double S = 0.8;

    [Fact]
    public void PreconditioningMatchesHandComputedValues()
    {
        using var scope = NewDisposeScope();
        var trig = Gaussian(S);
        var t = tensor(new[] { Math.PI / 3, Math.PI / 6 });
        // σ_d = 0.5: c_skip = cos t = (1/2, √3/2), c_out = −σ_d sin t = (−√3/4, −1/4), c_in = 2, c_noise = t.
        TensorAssert.Close(tensor(new[] { 0.5, Math.Sqrt(3) / 2 }), trig.CSkip(t), 1e-15);
        TensorAssert.Close(tensor(new[] { -Math.Sqrt(3) / 4, -0.25 }), trig.COut(t), 1e-15);
        TensorAssert.Close(tensor(new[] { 2.0, 2.0 }), trig.CIn(t), 0);
        TensorAssert.Close(t, trig.CNoise(t), 0);
        // σ = σ_d tan t and back.
        TensorAssert.Close(tensor(new[] { 0.5 * Math.Sqrt(3), 0.5 / Math.Sqrt(3) }), trig.SigmaOf(t), 1e-15);
        TensorAssert.Close(t, trig.TimeOf(trig.SigmaOf(t)), 1e-15);
    }

    /// <summary>The target is the time derivative of the path at fixed (x₀, z): checked by a central difference.</summary>
    [Fact]
    public void TargetIsTheDerivativeOfThePath()
    {
        using var scope = NewDisposeScope();
        var trig = Gaussian(S);
        var x = randn(5, 3, float64, generator: new Generator(1));
        var z = 0.5 * randn(5, 3, float64, generator: new Generator(2));
        var t = tensor(new[] { 0.01, 0.4, 0.8, 1.2, 1.55 });
        TensorAssert.Close(t.cos().unsqueeze(1) * x + t.sin().unsqueeze(1) * z, trig.SampleXt(x, z, t), 1e-15);
        const double h = 1e-5;
        var difference = (trig.SampleXt(x, z, t + h) - trig.SampleXt(x, z, t - h)) / (2 * h);
        TensorAssert.Close(difference, trig.Target(x, z, t), 1e-9);
        // At t = 0 the path is the data, at π/2 the noise.
        TensorAssert.Close(x, trig.SampleXt(x, z, zeros(5, float64)), 1e-15);
        TensorAssert.Close(z, trig.SampleXt(x, z, full(5, Math.PI / 2, float64)), 1e-15);
    }

    /// <summary>
    /// Noise has standard deviation σ_d, and the tan-log-normal law puts log(σ_d tan t) at N(P_mean, P_std²):
    /// 40,000 draws, 4 standard errors (SE(mean) = 1.4/200 = 0.007, SE(sd) ≈ 1.4/283 = 0.005; SE of noise sd 0.5/283).
    /// </summary>
    [Fact]
    public void NoiseScaleAndTimeLawMatchTheirDefinitions()
    {
        using var scope = NewDisposeScope();
        var trig = Gaussian(S);
        var noise = trig.SampleN(40_000);
        TensorAssert.Close(SigmaData, noise.std().item<double>(), 4 * 0.5 / Math.Sqrt(2 * 40_000), "noise sd");
        var t = trig.SampleT(40_000);
        Assert.True(t.min().item<double>() > 0 && t.max().item<double>() < Math.PI / 2, "times lie in (0, π/2)");
        var logSigma = trig.SigmaOf(t).log();
        TensorAssert.Close(-1.0, logSigma.mean().item<double>(), 4 * 1.4 / 200, "log σ mean");
        TensorAssert.Close(1.4, logSigma.std().item<double>(), 4 * 1.4 / Math.Sqrt(2 * 40_000), "log σ sd");
    }

    /// <summary>
    /// With the exact diffusion F of Gaussian data, f is E[x₀ | x_t], the score is −x_t/V (the Gaussian marginal's, an
    /// independent route to it) and Pred is the PF-ODE velocity x_t·(d/dt √V)/√V.
    /// </summary>
    [Fact]
    public void DenoiserScoreAndVelocityAreExactForGaussianData()
    {
        using var scope = NewDisposeScope();
        var trig = Gaussian(S);
        var xt = randn(6, 2, float64, generator: new Generator(3));
        var t = tensor(new[] { 0.05, 0.3, 0.7, 1.0, 1.3, 1.5 });
        var tb = t.unsqueeze(1);
        TensorAssert.Close(Denoiser(xt, tb, S), trig.Denoise(xt, t), 1e-13);
        TensorAssert.Close(-xt / Variance(tb, S), trig.Score(xt, t), 1e-12);
        TensorAssert.Close(OdeVelocity(xt, t, S), trig.Pred(xt, t), 1e-12);
    }

    /// <summary>The diffusion loss is zero-mean noise around its minimum: a network returning the exact target gives 0.</summary>
    [Fact]
    public void LossVanishesForANetworkThatReturnsTheTarget()
    {
        using var scope = NewDisposeScope();
        var x = randn(8, 2, float64, generator: new Generator(4));
        // A second interface with the same seed draws the same t and z, which the "oracle" network uses to return v/σ_d.
        var draws = new TrigFlowInterface(new LambdaNetwork((i, t, c) => i), TimeDist.LogNormal, Options64);
        var t = draws.SampleT(8);
        var z = draws.SampleN(8, 2);
        var target = draws.Target(x, z, t) / SigmaData;
        var oracle = new TrigFlowInterface(new LambdaNetwork((i, time, c) => target), TimeDist.LogNormal, Options64);
        TensorAssert.Close(zeros(8, float64), oracle.Loss(x).Loss, 1e-12);
    }

    const int N = 20_000;

    static void AssertGaussian(Tensor samples, double budget, string what)
    {
        var (mean, variance) = Fields.Moments(samples);
        TensorAssert.Close(0, mean, 4 * S / Math.Sqrt(N) + budget, $"{what} mean");
        TensorAssert.Close(S * S, variance, 4 * S * S * Math.Sqrt(2.0 / (N - 1)) + budget, $"{what} variance");
    }

    static Tensor UnitNoise(long seed) => randn([N], float64, generator: new Generator((ulong)seed));

    /// <summary>
    /// TrigFlow as an ordinary diffusion model: Euler, Heun and DPM-Solver++(2M) on the trig grid from T = atan(80/σ_d),
    /// and Euler–Maruyama through the score, turn N(0, σ_d²) noise into N(0, s²). The start misses the exact prior by
    /// cos T ≈ 0.006 of the data (negligible). Tolerance: 4 standard errors (SE(var) ≈ 0.0045) plus a discretisation
    /// budget stated per case.
    /// </summary>
    [Theory]
    [InlineData("euler", 200, 0.01)]
    [InlineData("heun", 32, 0.003)]
    [InlineData("dpm", 32, 0.003)]
    [InlineData("em", 400, 0.01)]
    public void SamplersOnTheTrigGridReproduceGaussianData(string name, int steps, double budget)
    {
        using var scope = NewDisposeScope();
        var grid = new TrigGrid();
        Sampler sampler = name switch
        {
            "euler" => new Euler(steps, grid),
            "heun" => new Heun(steps, grid),
            "dpm" => new DpmSolverPlusPlus2M(steps, grid, DpmSolverView.Trig),
            _ => new EulerMaruyama(steps, grid, DiffusionCoeff.Constant) { MaxStepFactor = double.PositiveInfinity },
        };
        AssertGaussian(sampler.Sample(Gaussian(S), UnitNoise(5), new SampleOptions { Seed = 6 }), budget, $"{name}-{steps}");
    }

    [Fact]
    public void TheTrigGridMapsKarrasSigmasToTrigTime()
    {
        using var scope = NewDisposeScope();
        var grid = new TrigGrid().Build(4);
        var sigmas = new KarrasGrid().Build(4);
        TensorAssert.Close((sigmas / 0.5).atan(), grid, 1e-15);
        Assert.Equal(Math.Atan(160), grid[0].item<double>(), 12);
        Assert.Equal(0.0, grid[4].item<double>());
    }

    [Fact]
    public void DpmSolverRefusesAViewThatDoesNotFit()
    {
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => new DpmSolverPlusPlus2M(4, new TrigGrid()).Sample(Gaussian(S), UnitNoise(1)));
        Assert.Contains("DpmSolverView.Trig", error.Message);
        Assert.Throws<ArgumentException>(() => new DpmSolverPlusPlus2M(4, null, DpmSolverView.Trig).Sample(Fields.GaussianSiT(0, S), UnitNoise(1)));
    }
}
