using Research.Framework.Interfaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Samplers;

/// <summary>
/// DDIM (Song et al. 2021, eq. 12) on the model's path: from t to s, with the model's x̂₀ and ε̂ at (x_t, t),
/// x_s = α_s·x̂₀ + √(σ_s² − c²)·ε̂ + c·z, where c = η·σ_s·√(1 − (α_t·σ_s/(α_s·σ_t))²) is η times the posterior
/// standard deviation (on DDPM's path √((1 − ᾱ_s)/(1 − ᾱ_t)·(1 − ᾱ_t/ᾱ_s))). η = 0 is deterministic, η = 1 is the
/// ancestral sampler with the posterior variance (<see cref="Ddpm"/> with <see cref="DdpmVariance.Small"/>).
/// <para>
/// Any grid is a subsequence of steps: the default is uniform from t = 1 to 0 (DDIM-50 on T = 1000 visits every 20th
/// step); <see cref="SampleOptions.CustomGrid"/> takes any other. With η = 0, <see cref="Encode"/> runs the same map
/// backwards (DDIM inversion), so decoding its result returns x up to the discretisation error. The formulas need
/// only α and σ, so any model with a path works. The per-run state is (α, σ) on the grid; one model call per step.
/// </para>
/// </summary>
public sealed class Ddim : Sampler<IReadOnlyList<(double Alpha, double Sigma)>>, IPathSampler
{
    /// <summary>Creates the sampler; η must lie in [0, 1].</summary>
    public Ddim(int steps, TimeGrid? grid = null, double eta = 0) : base(steps, grid)
    {
        if (!(eta >= 0 && eta <= 1)) throw new ArgumentOutOfRangeException(nameof(eta), eta, $"Ddim's eta must lie in [0, 1] (got {eta}).");
        Eta = eta;
    }

    /// <summary>η: 0 deterministic, 1 the posterior's full noise.</summary>
    public double Eta { get; }

    /// <summary>
    /// DDIM inversion: maps a sample <paramref name="x"/> at the data end of the grid to unit noise such that
    /// <see cref="Sampler.Sample"/> with the same grid returns x. Needs η = 0 and a data-end point with σ &gt; 0 (a
    /// <see cref="SampleOptions.CustomGrid"/> that stops short of t = 0: the velocity is singular there on DDPM's path).
    /// </summary>
    public Tensor Encode(Interface model, Tensor x, SampleOptions? options = null)
    {
        if (Eta != 0) throw new InvalidOperationException($"Ddim.Encode inverts the deterministic map; this sampler has eta = {Eta}. Use new Ddim(steps, eta: 0).");
        return Integrate(model, x, options, toNoise: true);
    }

    /// <inheritdoc />
    protected override void CheckModel(Interface model, SampleOptions options) => RequirePath(model);

    /// <summary>(α, σ) on the grid; an inversion must start where σ &gt; 0.</summary>
    protected override IReadOnlyList<(double Alpha, double Sigma)> CreateState(SamplingRun run)
    {
        var coefficients = run.PathCoefficients();
        if (run.Grid[0] < run.Grid[^1] && coefficients[0].Sigma == 0)
            throw new ArgumentException(
                $"Ddim.Encode starts at t = {run.Grid[0]}, where σ = 0 and the model's noise estimate is undefined. " +
                "Give a SampleOptions.CustomGrid whose data end has σ > 0 (for DDPM: t ≥ 1/T).");
        return coefficients;
    }

    /// <inheritdoc />
    public override Tensor Forward(SamplingRun<IReadOnlyList<(double Alpha, double Sigma)>> run, int step, Tensor x) =>
        Step(run, run.State[step], run.State[step + 1], run.Grid[step], x, Eta);

    /// <summary>
    /// One step from t (α_t, σ_t at <paramref name="from"/>) to s (<paramref name="to"/>) with c = σ_s·min(1, η·√(1 − r²)),
    /// r = α_t·σ_s/(α_s·σ_t): the η of <see cref="Ddim"/> (≤ 1, where the min is inactive) and of
    /// <see cref="EulerAncestral"/> (any η ≥ 0, k-diffusion's σ_up capped at σ_next).
    /// </summary>
    internal static Tensor Step(SamplingRun run, (double Alpha, double Sigma) from, (double Alpha, double Sigma) to, double t, Tensor x, double eta)
    {
        var ((alphaT, sigmaT), (alphaS, sigmaS)) = (from, to);
        double ratio = alphaT * sigmaS / (alphaS * sigmaT);
        double c = sigmaS * Math.Min(1, eta * Math.Sqrt(Math.Max(0, 1 - ratio * ratio)));
        var (denoised, noise) = run.RequirePath().Decompose(x, run.Times(t), run.Predict(x, t), PredictionView.Velocity);
        var next = alphaS * denoised + Math.Sqrt(Math.Max(0, sigmaS * sigmaS - c * c)) * noise;
        return c > 0 ? next.add_(run.Noise().mul_(c)) : next;
    }
}
