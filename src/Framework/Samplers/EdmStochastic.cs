using Research.Framework.Interfaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Samplers;

/// <summary>
/// The stochastic EDM sampler (Karras et al. 2022, Algorithm 2) on the sigma view. At each step with
/// tMin ≤ σ ≤ tMax, γ = min(churn/N, √2 − 1), σ̂ = σ·(1 + γ) and x̂ = x + sqrt(σ̂² − σ²)·noise·ε; then an Euler
/// step with d = Pred (dx/dσ) from σ̂ to σ_next, corrected by Heun (d at the Euler point) when σ_next ≠ 0.
/// The default grid is <see cref="KarrasGrid"/>.
/// <para>
/// Churn adds noise as x + sqrt(σ̂² − σ²)·ε, which moves x_σ to x_σ̂ only on a variance-exploding path
/// x_σ = x + σ·n. On SiT's path x_t = (1 − t)·x + t·n raising the noise level also needs a rescaling, so churn would
/// silently sample the wrong distribution there. So churn &gt; 0 needs a model whose <see cref="Interface.Path"/> is
/// variance exploding (<see cref="EdmInterface"/>, or a wrapper of it) and is refused for any other model before any
/// work; with churn = 0 the sampler is the deterministic Heun of Algorithm 1 and works with any interface's Pred
/// (σ is then the interface's time).
/// </para>
/// </summary>
public sealed class EdmStochastic : Sampler
{
    /// <summary>Creates the sampler; churn, tMin and noise must be ≥ 0 and tMin ≤ tMax.</summary>
    public EdmStochastic(int steps, TimeGrid? grid = null, double churn = 0, double tMin = 0, double tMax = double.PositiveInfinity, double noise = 1)
        : base(steps, grid)
    {
        if (!(churn >= 0) || double.IsInfinity(churn))
            throw new ArgumentOutOfRangeException(nameof(churn), churn, $"EdmStochastic's churn must be a finite number ≥ 0 (got {churn}).");
        if (!(tMin >= 0) || !(tMax >= tMin))
            throw new ArgumentOutOfRangeException(nameof(tMin), $"EdmStochastic needs 0 ≤ tMin ≤ tMax (got {tMin} and {tMax}).");
        if (!(noise >= 0) || double.IsInfinity(noise))
            throw new ArgumentOutOfRangeException(nameof(noise), noise, $"EdmStochastic's noise must be a finite number ≥ 0 (got {noise}).");
        (Churn, TMin, TMax, Noise) = (churn, tMin, tMax, noise);
    }

    /// <summary>S_churn: total stochasticity, spread over the steps.</summary>
    public double Churn { get; }
    /// <summary>S_tmin: churn only where σ ≥ tMin.</summary>
    public double TMin { get; }
    /// <summary>S_tmax: churn only where σ ≤ tMax.</summary>
    public double TMax { get; }
    /// <summary>S_noise: scale of the added noise (slightly above 1 compensates the denoiser's detail loss).</summary>
    public double Noise { get; }

    /// <inheritdoc />
    protected override TimeGrid DefaultGrid => new KarrasGrid();

    /// <inheritdoc />
    protected override void CheckModel(Interface model, SampleOptions options)
    {
        if (Churn > 0 && model.Path is not { IsVarianceExploding: true })
            throw new ArgumentException(
                $"EdmStochastic with churn > 0 needs a variance-exploding model (a path x_σ = x + σ·n, as EdmInterface has); {model.GetType().Name}'s path is not one, " +
                "so the added noise would not match its path. Use churn = 0 (deterministic Heun) or EulerMaruyama for it.", nameof(model));
    }

    /// <inheritdoc />
    public override Tensor Forward(SamplingRun run, int step, Tensor x)
    {
        double sigma = run.Grid[step], next = run.Grid[step + 1];
        double gamma = TMin <= sigma && sigma <= TMax ? Math.Min(Churn / run.Steps, Math.Sqrt(2) - 1) : 0;
        double sigmaHat = sigma * (1 + gamma);
        var xHat = gamma > 0 ? x + run.Noise().mul_(Math.Sqrt(sigmaHat * sigmaHat - sigma * sigma) * Noise) : x;
        double h = next - sigmaHat;
        var slope = run.Predict(xHat, sigmaHat);
        var euler = xHat + h * slope;
        if (next == 0) return euler;
        return xHat + (h / 2) * (slope + run.Predict(euler, next));
    }
}
