using Research.Framework.Interfaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Samplers;

/// <summary>
/// Euler ancestral (k-diffusion's <c>sample_euler_ancestral</c>): each step goes down to a lower noise level with an
/// Euler step of the probability-flow ODE in x₀ (DDIM), then adds fresh noise back up to the next level. In the
/// variance-exploding variables x̃ = x/α, σ̃ = σ/α of the model's path x_t = α·x + σ·n, with r = σ̃_next/σ̃:
/// σ̃_up = σ̃_next·min(1, η·√(1 − r²)) and σ̃_down = √(σ̃_next² − σ̃_up²), and
/// x̃_next = x̃ + (σ̃_down − σ̃)·(x̃ − x₀)/σ̃ + σ̃_up·ε. Multiplied out by α_next it stays finite where α = 0 (SiT's
/// t = 1): x_next = (σ_next/σ)·c·x + α_next·(1 − r·c)·x₀ + σ_next·u·ε with u = σ̃_up/σ̃_next, c = √(1 − u²).
/// η = 0 is DDIM (deterministic, first order); η = 1 (the default) is the ancestral sampler. Onto σ = 0 it returns
/// x₀. One model evaluation per step; the model needs a path (<see cref="Interface.Path"/>).
/// <para>
/// This is <see cref="Ddim"/>'s step with c = σ_next·u (then √(σ_next² − c²)·ε̂ = (σ_next/σ)·√(1 − u²)·(x − α·x₀)),
/// so both run <see cref="Ddim.Step"/>; this sampler differs in its name, its default η = 1 and in taking η &gt; 1,
/// where the min(1, ·) caps the fresh noise at σ_next.
/// </para>
/// </summary>
public sealed class EulerAncestral : Sampler<(double Alpha, double Sigma)[]>, IPathSampler
{
    /// <summary>Creates the sampler; η must be a finite number ≥ 0 (k-diffusion's default 1).</summary>
    public EulerAncestral(int steps, TimeGrid? grid = null, double eta = 1) : base(steps, grid) =>
        Eta = double.IsFinite(eta) && eta >= 0 ? eta
            : throw new ArgumentOutOfRangeException(nameof(eta), eta, $"EulerAncestral's eta must be a finite number ≥ 0 (got {eta}); 0 is DDIM, 1 the ancestral sampler.");

    /// <summary>η: the share of the step's noise that is drawn afresh (0 = DDIM, 1 = ancestral).</summary>
    public double Eta { get; }

    /// <inheritdoc />
    protected override void CheckModel(Interface model, SampleOptions options) => RequirePath(model);

    /// <summary>α and σ at every grid point, from the model's path.</summary>
    protected override (double Alpha, double Sigma)[] CreateState(SamplingRun run) => run.PathCoefficients();

    /// <inheritdoc />
    public override Tensor Forward(SamplingRun<(double Alpha, double Sigma)[]> run, int step, Tensor x) =>
        Ddim.Step(run, run.State[step], run.State[step + 1], run.Grid[step], x, Eta);
}
