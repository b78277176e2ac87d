using Research.Framework.Interfaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Samplers;

/// <summary>
/// Ancestral DDPM sampling (Ho et al. 2020, Algorithm 2) from the model's x₀ estimate: each step from t to s &lt; t draws
/// from the posterior q(x_s | x_t, x̂₀) of the model's path. With a = α_t/α_s and b² = σ_t² − a²σ_s² (on DDPM's path
/// a² = ᾱ_t/ᾱ_s and b² = 1 − ᾱ_t/ᾱ_s = β for consecutive steps) its mean is (a·σ_s²/σ_t²)·x_t + (α_s·b²/σ_t²)·x̂₀ and
/// its variance σ_s²·b²/σ_t² = β̃ (<see cref="DdpmVariance.Small"/>) or b² = β (<see cref="DdpmVariance.Large"/>);
/// the last step returns the mean (x̂₀ when the grid ends at t = 0).
/// <para>
/// The default grid is uniform from t = 1 to 0, so a DDPM model with T steps is sampled on exactly its steps with
/// Steps = T, and on an evenly spaced subsequence with any divisor of T (any other grid, e.g. a custom subsequence of
/// steps, uses the posterior between those times). The formulas need only α and σ, so any model with a path works.
/// The per-run state is (α, σ) on the grid. One model evaluation per step.
/// </para>
/// </summary>
public sealed class Ddpm(int steps, TimeGrid? grid = null, DdpmVariance variance = DdpmVariance.Small)
    : Sampler<IReadOnlyList<(double Alpha, double Sigma)>>(steps, grid), IPathSampler
{
    /// <summary>The variance of each step.</summary>
    public DdpmVariance Variance { get; } = Enum.IsDefined(variance) ? variance
        : throw new ArgumentOutOfRangeException(nameof(variance), variance, $"Unknown DdpmVariance {variance}. Valid choices: {string.Join(", ", Enum.GetNames<DdpmVariance>())}.");

    /// <inheritdoc />
    protected override void CheckModel(Interface model, SampleOptions options) => RequirePath(model);

    /// <inheritdoc />
    protected override IReadOnlyList<(double Alpha, double Sigma)> CreateState(SamplingRun run) => run.PathCoefficients();

    /// <inheritdoc />
    public override Tensor Forward(SamplingRun<IReadOnlyList<(double Alpha, double Sigma)>> run, int step, Tensor x)
    {
        var mean = PosteriorMean(run, step, x, out double variance);
        return variance > 0 ? mean.add_(run.Noise().mul_(Math.Sqrt(variance))) : mean;
    }

    /// <summary>The posterior mean, without noise.</summary>
    public override Tensor LastStep(SamplingRun<IReadOnlyList<(double Alpha, double Sigma)>> run, int step, Tensor x) => PosteriorMean(run, step, x, out _);

    Tensor PosteriorMean(SamplingRun<IReadOnlyList<(double Alpha, double Sigma)>> run, int step, Tensor x, out double variance)
    {
        double t = run.Grid[step];
        var (alphaT, sigmaT) = run.State[step];
        var (alphaS, sigmaS) = run.State[step + 1];
        double a = alphaT / alphaS, b2 = sigmaT * sigmaT - a * a * sigmaS * sigmaS;
        variance = Variance == DdpmVariance.Small ? sigmaS * sigmaS * b2 / (sigmaT * sigmaT) : b2;
        var denoised = run.Denoised(x, t, run.Predict(x, t));
        return (a * sigmaS * sigmaS / (sigmaT * sigmaT)) * x + (alphaS * b2 / (sigmaT * sigmaT)) * denoised;
    }
}
