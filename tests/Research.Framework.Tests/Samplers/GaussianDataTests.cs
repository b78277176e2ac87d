using Research.Framework.Interfaces;
using Research.Framework.Samplers;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Samplers;

/// <summary>
/// Data N(mu, s²) with the exact velocity (SiT) or the exact denoiser (EDM), see <see cref="Fields"/>. Each sampler
/// turns 20,000 unit-noise draws into samples whose mean and variance must match the data.
/// Tolerance = 4 standard errors + a discretisation budget: SE(mean) = s/√n ≈ 3.5e-3 and SE(variance) =
/// s²·√(2/(n − 1)) ≈ 2.5e-3 for Gaussian samples; each budget is ~1.5× the bias measured on 200,000 samples (or
/// exactly, for deterministic samplers, whose map is affine here) and is stated next to the case.
/// </summary>
public class GaussianDataTests
{
    const int N = 20_000;
    const double Mu = 1.5, S = 0.5;

    static void AssertMoments(Tensor samples, double mean, double variance, double budget, string what)
    {
        var (sampleMean, sampleVariance) = Fields.Moments(samples);
        double seMean = S / Math.Sqrt(N), seVariance = S * S * Math.Sqrt(2.0 / (N - 1));
        TensorAssert.Close(mean, sampleMean, 4 * seMean + budget, $"{what} mean");
        TensorAssert.Close(variance, sampleVariance, 4 * seVariance + budget, $"{what} variance");
    }

    static Tensor Noise(long seed) => randn([N], float64, generator: new Generator((ulong)seed));

    /// <summary>
    /// Deterministic samplers on the flow view. Measured variance bias (exact, the map is affine): Euler-100 7.3e-3,
    /// Heun-50 3.2e-4, DPM-Solver++(2M)-50 1.7e-3; the mean is exact (t = 1 is exactly the prior).
    /// </summary>
    [Theory]
    [InlineData("euler", 100, 0.011)]
    [InlineData("heun", 50, 0.001)]
    [InlineData("dpm", 50, 0.003)]
    public void FlowOdeSamplersReproduceTheData(string name, int steps, double budget)
    {
        using var scope = NewDisposeScope();
        Sampler sampler = name switch { "euler" => new Euler(steps), "heun" => new Heun(steps), _ => new DpmSolverPlusPlus2M(steps) };
        AssertMoments(sampler.Sample(Fields.GaussianSiT(Mu, S), Noise(1)), Mu, S * S, budget, $"{name}-{steps}");
    }

    /// <summary>
    /// Euler–Maruyama with each diffusion coefficient, 200 steps on UniformGrid(tStart: 0.999) (LinearKl is infinite
    /// at t = 1). Measured bias (200,000 samples): variance ≤ 5.6e-3 (Cos), mean ≤ 1.3e-3 (within noise; the prior at
    /// 0.999 misses the true mean by 0.001·mu = 1.5e-3). Budget 0.008. The step-factor check is off: Constant, Cos and
    /// Concave exceed it near t = 0, which diverges on sharp data but not on a Gaussian (its score's curvature is 1/v ≤ 1/s²).
    /// </summary>
    [Theory]
    [InlineData(DiffusionCoeff.Constant)]
    [InlineData(DiffusionCoeff.LinearKl)]
    [InlineData(DiffusionCoeff.Linear)]
    [InlineData(DiffusionCoeff.Cos)]
    [InlineData(DiffusionCoeff.Concave)]
    public void EulerMaruyamaReproducesTheMarginal(DiffusionCoeff coeff)
    {
        using var scope = NewDisposeScope();
        var sampler = new EulerMaruyama(200, new UniformGrid(tStart: 0.999), coeff) { MaxStepFactor = double.PositiveInfinity };
        AssertMoments(sampler.Sample(Fields.GaussianSiT(Mu, S), Noise(2), new SampleOptions { Seed = 3 }), Mu, S * S, 0.008, $"EM {coeff}");
    }

    /// <summary>A user diffusion coefficient w(t) = 2t² goes through the same path.</summary>
    [Fact]
    public void EulerMaruyamaTakesAUserCoefficient()
    {
        using var scope = NewDisposeScope();
        var sampler = new EulerMaruyama(200, new UniformGrid(tStart: 0.999), t => 2 * t.square());
        AssertMoments(sampler.Sample(Fields.GaussianSiT(Mu, S), Noise(2), new SampleOptions { Seed = 3 }), Mu, S * S, 0.008, "EM user");
    }

    /// <summary>
    /// Deterministic samplers on the EDM view (Karras grid from σ = 80). Sampling starts from N(0, 80²), not the true
    /// N(mu, s² + 80²), and the exact ODE carries that offset to σ = 0 scaled by s/√(s² + 80²): the expected moments
    /// are mean mu·(1 − s/√(s² + 80²)) and variance 80²s²/(s² + 80²). Measured variance bias with 64 steps:
    /// Heun (EdmStochastic, churn 0) 1.4e-3, DPM-Solver++(2M) 1.9e-3; budget 0.004.
    /// </summary>
    [Theory]
    [InlineData("heun")]
    [InlineData("dpm")]
    public void EdmOdeSamplersReproduceTheData(string name)
    {
        using var scope = NewDisposeScope();
        Sampler sampler = name == "heun" ? new EdmStochastic(64) : new DpmSolverPlusPlus2M(64, view: DpmSolverView.Edm);
        double shrink = S / Math.Sqrt(S * S + 80 * 80);
        AssertMoments(sampler.Sample(Fields.GaussianEdm(Mu, S), Noise(4)), Mu * (1 - shrink), 80 * 80 * S * S / (S * S + 80 * 80), 0.004, name);
    }

    /// <summary>
    /// EdmStochastic with churn 10 on σ ∈ [0.05, 50], 64 steps. Measured bias (200,000 samples): variance 5.3e-3, mean
    /// 1.0e-3. The prior's mean offset is at most mu·s/√(s² + 80²) = 9.4e-3 (churn only shrinks it). Budget 0.01.
    /// </summary>
    [Fact]
    public void EdmStochasticWithChurnReproducesTheData()
    {
        using var scope = NewDisposeScope();
        var sampler = new EdmStochastic(64, churn: 10, tMin: 0.05, tMax: 50);
        AssertMoments(sampler.Sample(Fields.GaussianEdm(Mu, S), Noise(5), new SampleOptions { Seed = 6 }), Mu, S * S, 0.01, "EDM churn 10");
    }
}
