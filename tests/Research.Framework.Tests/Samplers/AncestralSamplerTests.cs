using Research.Framework.Interfaces;
using Research.Framework.Samplers;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Samplers;

/// <summary>
/// Euler ancestral, DPM-Solver++(2M) SDE and DPM-Solver++(3M) SDE: with η = 0 each is a deterministic solver whose
/// observed order is measured on the linear ODE (as <see cref="LinearOdeTests"/>); with η = 1 each must keep the
/// marginal of Gaussian data with the exact denoiser (as <see cref="GaussianDataTests"/>).
/// </summary>
public class AncestralSamplerTests
{
    static Sampler Make(string name, int steps, double eta, TimeGrid? grid = null) => name switch
    {
        "euler-a" => new EulerAncestral(steps, grid, eta),
        "2m-sde" => new DpmSolverPlusPlus2MSde(steps, grid, eta),
        _ => new DpmSolverPlusPlus3MSde(steps, grid, eta),
    };

    /// <summary>
    /// Pred = dx/dt = sign·x on SiT over the interior grid t: 0.9 → 0.1 (exact 0.9·e^(∓0.8); λ-steps shrink there, see
    /// <see cref="LinearOdeTests.DpmSolverIsSecondOrder"/>), 64 → 128 steps: the error ratio is 2^p. A multistep
    /// method's first-order start-up step alone leaves an O(h²) global error, so for 3M the first two steps are h² long
    /// (their errors are then O(h⁴)) and the rest uniform. Measured ratios (dx/dt = x): Euler ancestral (η = 0, DDIM) 2.006,
    /// 2M 4.26, 3M 8.46 (k-diffusion's x₀″ coefficient gives 4.2 here: second order).
    /// </summary>
    [Theory]
    [InlineData("euler-a", 1.8, 2.2)]
    [InlineData("2m-sde", 3.5, 4.5)]
    [InlineData("3m-sde", 7.0, 9.0)]
    public void WithEtaZeroTheObservedOrderIsTheSolversOrder(string name, double low, double high)
    {
        foreach (double sign in new[] { 1.0, -1.0 })
        {
            var model = Fields.SiT((x, t, c) => sign * x);
            double ErrorAt(int steps)
            {
                using var scope = NewDisposeScope();
                double h = 0.8 / steps, delta = name == "3m-sde" ? h * h : 0;
                var points = delta > 0 ? cat([tensor(new[] { 0.9, 0.9 - delta }, float64), linspace(0.9 - 2 * delta, 0.1, steps - 1, float64)]) : linspace(0.9, 0.1, steps + 1, float64);
                var grid = new SampleOptions { CustomGrid = points };
                return Math.Abs(Make(name, steps, eta: 0).Sample(model, ones(1, float64), grid).item<double>() - 0.9 * Math.Exp(-0.8 * sign));
            }
            double ratio = ErrorAt(64) / ErrorAt(128);
            Assert.True(ratio >= low && ratio <= high, $"{name} (dx/dt = {sign}·x): error ratio {ratio} not in [{low}, {high}]");
        }
    }

    /// <summary>With η = 0 the 2M SDE solver is DPM-Solver++(2M), written independently: same samples to rounding, from t = 1 (α = 0).</summary>
    [Fact]
    public void TwoMSdeWithEtaZeroIsDpmSolverPlusPlus2M()
    {
        using var scope = NewDisposeScope();
        var model = Fields.GaussianSiT(1.5, 0.5);
        var x = randn([64], float64, generator: new TorchSharp.torch.Generator(4));
        TensorAssert.Close(new DpmSolverPlusPlus2M(20).Sample(model, x), new DpmSolverPlusPlus2MSde(20, eta: 0).Sample(model, x), 1e-12);
    }

    const int N = 20_000;
    const double S = 0.5;

    /// <summary>
    /// Data N(0, s²), s = 0.5, with the exact velocity on SiT, η = 1, 100 uniform steps from t = 1: the 20,000 samples'
    /// variance must be s² within 4 standard errors (s²·√(2/(N − 1)) ≈ 1.8e-3 each) plus a discretisation budget, and the
    /// mean 0 within 4·s/√N. Measured variance bias on 200,000 samples (standard error 8e-4): Euler ancestral −0.0159
    /// (−0.0074 at 200 steps: weak first order), 2M SDE 2.6e-3, 3M SDE 1.7e-4 (1.8e-3 and 1.1e-3 at 200 steps, noise-level);
    /// budgets 0.024, 0.004, 0.002.
    /// </summary>
    [Theory]
    [InlineData("euler-a", 0.024)]
    [InlineData("2m-sde", 0.004)]
    [InlineData("3m-sde", 0.002)]
    public void WithEtaOneTheSamplesKeepTheDataVariance(string name, double budget)
    {
        using var scope = NewDisposeScope();
        var noise = randn([N], float64, generator: new TorchSharp.torch.Generator(1));
        var samples = Make(name, 100, eta: 1).Sample(Fields.GaussianSiT(0, S), noise, new SampleOptions { Seed = 2 });
        var (mean, variance) = Fields.Moments(samples);
        TensorAssert.Close(0, mean, 4 * S / Math.Sqrt(N), $"{name} mean");
        TensorAssert.Close(S * S, variance, 4 * S * S * Math.Sqrt(2.0 / (N - 1)) + budget, $"{name} variance");
    }

    /// <summary>η = 1 draws noise: two seeds give different samples, one seed the same ones; η must be finite and ≥ 0.</summary>
    [Theory]
    [InlineData("euler-a")]
    [InlineData("2m-sde")]
    [InlineData("3m-sde")]
    public void TheNoiseFollowsTheSeedAndEtaIsChecked(string name)
    {
        using var scope = NewDisposeScope();
        var model = Fields.GaussianSiT(0, S);
        var x = randn([8], float64, generator: new TorchSharp.torch.Generator(3));
        var sampler = Make(name, 10, eta: 1);
        var first = sampler.Sample(model, x, new SampleOptions { Seed = 1 });
        TensorAssert.Close(first, sampler.Sample(model, x, new SampleOptions { Seed = 1 }), 0);
        Assert.False(first.allclose(sampler.Sample(model, x, new SampleOptions { Seed = 2 })));
        Assert.Throws<ArgumentOutOfRangeException>(() => Make(name, 10, eta: -1));
        Assert.Throws<ArgumentException>(() => Make(name, 10, eta: 1).Sample(new NoScoreInterface(), x));   // no path: no x₀ view
    }
}
