using Research.Framework.Interfaces;
using Research.Framework.Interfaces.Discrete;
using Research.Framework.Samplers;
using Research.Framework.Tests.TestSupport;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Samplers;

/// <summary>
/// DDPM's own samplers and the continuous ones on a DDPM model, with the exact ε of data N(0, s²) (<see cref="Fields.GaussianDdpm"/>):
/// 20,000 unit-noise draws must come out with the data's moments. Tolerance = 4 standard errors (SE(mean) = s/√n = 3.5e-3,
/// SE(variance) = s²·√(2/(n − 1)) = 2.5e-3) + a discretisation budget ≈ 1.5× the bias measured on 200,000 samples, stated per case.
/// The start is N(0, 1) at t = 1 rather than the true N(0, ᾱ_T·s² + 1 − ᾱ_T); with ᾱ_T = 4e-5 that offset is far below the SE.
/// </summary>
public class DdpmSamplerTests
{
    const int N = 20_000;
    const double S = 0.5;

    static void AssertMoments(Tensor samples, double budget, string what)
    {
        var (mean, variance) = Fields.Moments(samples);
        double seMean = S / Math.Sqrt(N), seVariance = S * S * Math.Sqrt(2.0 / (N - 1));
        TensorAssert.Close(0, mean, 4 * seMean + budget, $"{what} mean");
        TensorAssert.Close(S * S, variance, 4 * seVariance + budget, $"{what} variance");
    }

    static Tensor Noise(long seed, int n = N) => randn([n], float64, generator: new TorchSharp.torch.Generator((ulong)seed));

    /// <summary>
    /// The ancestral sampler on all T = 1000 steps keeps N(0, s²), with either variance and either schedule. Its steps use
    /// E[x₀ | x_t] in the posterior, so each step's variance is off by O(β²); measured variance bias ≤ 1e-3 (budget 0.002).
    /// </summary>
    [Theory]
    [InlineData(BetaSchedule.Linear, DdpmVariance.Small)]
    [InlineData(BetaSchedule.Linear, DdpmVariance.Large)]
    [InlineData(BetaSchedule.Cosine, DdpmVariance.Small)]
    public void AncestralSamplingKeepsTheGaussian(BetaSchedule schedule, DdpmVariance variance)
    {
        using var scope = NewDisposeScope();
        var model = Fields.GaussianDdpm(0, S, new DdpmOptions { Schedule = schedule });
        var samples = new Ddpm(1000, variance: variance).Sample(model, Noise(1), new SampleOptions { Seed = 2 });
        AssertMoments(samples, 0.002, $"DDPM {schedule} {variance}");
    }

    /// <summary>
    /// DDIM with η = ½ and 1 on every 4th step (250 of T = 1000), on x₀- and v-prediction models (the same exact field), keeps
    /// N(0, s²). Stochastic DDIM with x̂₀ = E[x₀ | x_t] drops the posterior's Var(x₀ | x_t) term at every step, so it loses variance
    /// as the steps grow: measured bias (40,000 samples) −5.4e-3 (η = ½) and −1.3e-2 (η = 1; −5.3e-2 with 50 steps). Budgets 0.008, 0.02.
    /// </summary>
    [Theory]
    [InlineData(0.5, PredictionView.Denoiser, 0.008)]
    [InlineData(1.0, PredictionView.V, 0.02)]
    public void StochasticDdimKeepsTheGaussian(double eta, PredictionView view, double budget)
    {
        using var scope = NewDisposeScope();
        var model = Fields.GaussianDdpm(0, S, new DdpmOptions { Prediction = view });
        AssertMoments(new Ddim(250, eta: eta).Sample(model, Noise(3), new SampleOptions { Seed = 4 }), budget, $"DDIM-250 η={eta} {view}");
    }

    /// <summary>
    /// DDIM with η = 0 maps N(0, 1) affinely (mean-0 Gaussian data: x ↦ k·x), so Var(out)/Var(in) = k² measures its variance bias
    /// exactly, free of sampling noise. It is first order: 50 → 250 evenly spaced steps shrink |k² − s²| about 5× (measured
    /// 2.7e-2 → 5.9e-3; band [4, 7]), and an uneven subsequence (98 distinct steps, denser at small t: any step set works)
    /// lands between them (measured 8.3e-3; bound 0.0125).
    /// </summary>
    [Fact]
    public void DeterministicDdimConvergesAtFirstOrderOnAnySubsequence()
    {
        using var scope = NewDisposeScope();
        var model = Fields.GaussianDdpm(0, S);
        var x = Noise(3);
        double Bias(Ddim sampler, SampleOptions? options = null) =>
            Math.Abs(Fields.Moments(sampler.Sample(model, x, options)).Variance / Fields.Moments(x).Variance - S * S);
        double coarse = Bias(new Ddim(50)), fine = Bias(new Ddim(250));
        Assert.True(coarse / fine is >= 4 and <= 7, $"DDIM η = 0 bias 50 steps {coarse}, 250 steps {fine}: ratio {coarse / fine} not in [4, 7]");
        var steps = Enumerable.Range(0, 101).Select(k => Math.Round(1000 * Math.Pow(1 - k / 100.0, 2)) / 1000).Distinct().ToArray();
        double uneven = Bias(new Ddim(4), new SampleOptions { CustomGrid = tensor(steps) });
        Assert.True(uneven <= 0.0125, $"DDIM η = 0 on {steps.Length - 1} uneven steps: variance bias {uneven} (50 even steps: {coarse}, 250: {fine})");
    }

    /// <summary>
    /// The continuous samplers run on the DDPM model through its path (t = i/T, ln ᾱ interpolated): Heun-64 and DPM-Solver++(2M)-32
    /// on the linear schedule, DPM-Solver++ also on the cosine one (its exponential integrator handles the stiff end), Euler–Maruyama-500.
    /// Budget 0.006 (measured ≤ 3e-3).
    /// </summary>
    [Theory]
    [InlineData("heun", BetaSchedule.Linear)]
    [InlineData("dpm", BetaSchedule.Linear)]
    [InlineData("dpm", BetaSchedule.Cosine)]
    [InlineData("em", BetaSchedule.Linear)]
    public void ContinuousSamplersRunOnTheDiscreteModel(string name, BetaSchedule schedule)
    {
        using var scope = NewDisposeScope();
        Sampler sampler = name switch
        {
            "heun" => new Heun(64),
            "dpm" => new DpmSolverPlusPlus2M(32),
            _ => new EulerMaruyama(500, coeff: DiffusionCoeff.Constant, norm: 1) { MaxStepFactor = double.PositiveInfinity },
        };
        var model = Fields.GaussianDdpm(0, S, new DdpmOptions { Schedule = schedule });
        AssertMoments(sampler.Sample(model, Noise(5), new SampleOptions { Seed = 6 }), 0.006, $"{name} on DDPM {schedule}");
    }

    /// <summary>DDIM with η = 0 is deterministic: the seed changes nothing, and the same noise gives the same samples bit for bit.</summary>
    [Fact]
    public void DdimWithEtaZeroIsDeterministic()
    {
        using var scope = NewDisposeScope();
        var model = Fields.GaussianDdpm(0.3, S);
        var sampler = new Ddim(20);
        var x = Noise(7, 256);
        TensorAssert.Close(sampler.Sample(model, x, new SampleOptions { Seed = 1 }), sampler.Sample(model, x, new SampleOptions { Seed = 2 }), 0);
    }

    /// <summary>
    /// Encode then decode returns x (DDIM inversion) on the grid t = 0.99 … 0.02 (σ &gt; 0 at the data end). Each direction
    /// evaluates ε̂ at the start of its step, so the round trip is exact only as h → 0: the error grows with |x − mu| and is first
    /// order, measured max |error| / max |x − mu| = 3.9e-2 with 100 steps and 4.0e-3 with 1000 (tolerances 0.06 and 0.006), and
    /// 10× the steps must cut it at least 6×.
    /// </summary>
    [Fact]
    public void DdimInversionReturnsTheInput()
    {
        using var scope = NewDisposeScope();
        var model = Fields.GaussianDdpm(0.3, S);
        var x = 0.3 + S * Noise(8, 512);
        double scale = (x - 0.3).abs().max().item<double>();
        double RoundTrip(int steps)
        {
            var sampler = new Ddim(steps);
            var options = new SampleOptions { CustomGrid = linspace(0.99, 0.02, steps + 1, float64) };
            var noise = sampler.Encode(model, x, options);
            var (mean, variance) = Fields.Moments(noise);
            Assert.True(Math.Abs(mean) < 0.3 && Math.Abs(variance - 1) < 0.3, $"encoded noise has mean {mean}, variance {variance}");
            return (sampler.Sample(model, noise, options) - x).abs().max().item<double>() / scale;
        }
        double coarse = RoundTrip(100), fine = RoundTrip(1000);
        Assert.True(coarse <= 0.06, $"100 steps: relative round-trip error {coarse}");
        Assert.True(fine <= 0.006, $"1000 steps: relative round-trip error {fine}");
        Assert.True(coarse / fine >= 6, $"round-trip error 100 steps {coarse}, 1000 steps {fine}: not first order");
    }

    /// <summary>DDIM with η = 1 is the ancestral sampler with the posterior variance: the two formulas give the same samples from the same noise.</summary>
    [Fact]
    public void DdimWithEtaOneIsAncestralDdpm()
    {
        using var scope = NewDisposeScope();
        var model = Fields.GaussianDdpm(0.3, S, new DdpmOptions { Schedule = BetaSchedule.Cosine });
        var x = Noise(9, 256);
        var options = new SampleOptions { Seed = 10 };
        TensorAssert.Close(new Ddpm(50).Sample(model, x, options), new Ddim(50, eta: 1).Sample(model, x, options), 1e-9);
    }

    [Fact]
    public void DiscreteSamplersNeedAPathAndValidEta()
    {
        var stub = new NoScoreInterface();
        Assert.Contains("path", Assert.Throws<ArgumentException>(() => new Ddpm(4).Sample(stub, ones(2, float64))).Message);
        Assert.Contains("path", Assert.Throws<ArgumentException>(() => new Ddim(4).Sample(stub, ones(2, float64))).Message);
        Assert.Contains("[0, 1]", Assert.Throws<ArgumentOutOfRangeException>(() => new Ddim(4, eta: 1.5)).Message);
        Assert.Contains("eta = 0", Assert.Throws<InvalidOperationException>(() => new Ddim(4, eta: 0.5).Encode(Fields.GaussianDdpm(0, S), ones(2, float64))).Message);
        Assert.Contains("σ = 0", Assert.Throws<ArgumentException>(() => new Ddim(4).Encode(Fields.GaussianDdpm(0, S), ones(2, float64))).Message);
    }
}
