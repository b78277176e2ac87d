using Research.Framework.Interfaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Samplers;

/// <summary>
/// What the SDE variants of DPM-Solver++ share (k-diffusion's <c>sample_dpmpp_2m_sde</c> and
/// <c>sample_dpmpp_3m_sde</c>): multistep updates in x₀ and λ = ln(α/σ) of the model's path x_t = α·x + σ·n, with
/// h = λ_next − λ (e^(−h) = α·σ_next/(σ·α_next)) and ηh the part of the step that is drawn as fresh noise. The first-order
/// part of a step is x_next = (σ_next/σ)·e^(−ηh)·x + α_next·(1 − e^(−(1+η)h))·x₀ + σ_next·√(1 − e^(−2ηh))·ε (the
/// variance-exploding formulas of k-diffusion for x/α, multiplied by α_next, so α = 0 at SiT's t = 1 is finite:
/// e^(−h) = 0 there, and the next step's ratio h/h_prev = 0 makes it first order once more); the subclasses add their
/// higher-order corrections α_next·(…). η = 0 is the deterministic multistep solver. A step onto σ = 0 returns x₀
/// (h = ∞ there, as in k-diffusion); a grid that ends above σ = 0 keeps the full order to its end. One model evaluation per step; the model needs a path (<see cref="Interface.Path"/>).
/// </summary>
public abstract class DpmSolverPlusPlusSde : Sampler<MultistepHistory>, IPathSampler
{
    private protected DpmSolverPlusPlusSde(int steps, TimeGrid? grid, double eta) : base(steps, grid) =>
        Eta = double.IsFinite(eta) && eta >= 0 ? eta
            : throw new ArgumentOutOfRangeException(nameof(eta), eta, $"{GetType().Name}'s eta must be a finite number ≥ 0 (got {eta}); 0 is the deterministic solver, 1 the SDE.");

    /// <summary>η: the share of each λ-step drawn as fresh noise (0 = the deterministic solver, 1 = the SDE).</summary>
    public double Eta { get; }

    /// <summary>How many earlier x₀ estimates the corrections use.</summary>
    private protected abstract int Depth { get; }

    /// <inheritdoc />
    protected override void CheckModel(Interface model, SampleOptions options) => RequirePath(model);

    /// <summary>α and σ at every grid point, from the model's path, and room for the earlier x₀ estimates.</summary>
    protected override MultistepHistory CreateState(SamplingRun run) => new(run.PathCoefficients(), Depth);


    /// <summary>
    /// The correction added to the first-order step, divided by α_next: a combination of <paramref name="denoised"/> and
    /// the remembered estimates, for a step of λ-length <paramref name="h"/> with ηh-inflated length <paramref name="hEta"/> = (1 + η)·h.
    /// Null when the history is too short for a correction.
    /// </summary>
    private protected abstract Tensor? Correction(MultistepHistory history, Tensor denoised, double h, double hEta);

    /// <inheritdoc />
    public override Tensor Forward(SamplingRun<MultistepHistory> run, int step, Tensor x)
    {
        var history = run.State;
        double s = run.Grid[step];
        var (alphaS, sigmaS) = history.Coefficients[step];
        var (alphaT, sigmaT) = history.Coefficients[step + 1];
        var denoised = run.Denoised(x, s, run.Predict(x, s));
        double h = -Math.Log(alphaS * sigmaT / (sigmaS * alphaT));   // ∞ where α_s = 0 or σ_t = 0
        double etaH = Eta == 0 ? 0 : Eta * h;                         // (0·∞ would be NaN)
        var next = (sigmaT / sigmaS * Math.Exp(-etaH)) * x + (alphaT * -double.ExpM1(-h - etaH)) * denoised;
        if (sigmaT > 0 && Correction(history, denoised, h, h + etaH) is { } correction) next = next.add_(correction, alpha: alphaT);
        if (etaH > 0 && sigmaT > 0) next = next.add_(run.Noise().mul_(sigmaT * Math.Sqrt(-double.ExpM1(-2 * etaH))));
        history.Remember(denoised, h);
        return next;
    }
}

/// <summary>
/// DPM-Solver++(2M) SDE (k-diffusion's <c>sample_dpmpp_2m_sde</c>, midpoint form): the first-order step of
/// <see cref="DpmSolverPlusPlusSde"/> plus α_next·½·(1 − e^(−(1+η)h))·(h/h_prev)·(x₀ − x₀_prev). η = 0 is
/// DPM-Solver++(2M) (<see cref="DpmSolverPlusPlus2M"/>); η = 1 (the default) the SDE solver.
/// </summary>
public sealed class DpmSolverPlusPlus2MSde(int steps, TimeGrid? grid = null, double eta = 1) : DpmSolverPlusPlusSde(steps, grid, eta)
{
    private protected override int Depth => 1;

    private protected override Tensor? Correction(MultistepHistory history, Tensor denoised, double h, double hEta) =>
        history.Count < 1 ? null : (0.5 * -double.ExpM1(-hEta) * (h / history.H(1))) * (denoised - history.Denoised(1));
}

/// <summary>
/// DPM-Solver++(3M) SDE (k-diffusion's <c>sample_dpmpp_3m_sde</c>): the first-order step of
/// <see cref="DpmSolverPlusPlusSde"/> plus α_next·(φ₂·d₁ − 2φ₃·d₂) with φ₂ = 1 − (1 − e^(−ĥ))/ĥ and φ₃ = φ₂/ĥ − ½
/// (ĥ = (1 + η)·h), where d₁ ≈ h·x₀′ and d₂ ≈ ½h²·x₀″ are the scaled divided differences of the last three x₀
/// estimates in λ (with q₀ = h/h₁, q₁ = h/h₂: D₀ = q₀·(x₀ − x₀′), D₁ = q₁·(x₀′ − x₀″), d₁ = D₀ + (D₀ − D₁)·q₁/(q₀ + q₁),
/// d₂ = (D₀ − D₁)·q₀q₁/(q₀ + q₁)); with two estimates the correction is φ₂·D₀. η = 0 is the deterministic multistep
/// solver; η = 1 (the default) the SDE solver.
/// <para>
/// One deliberate difference: the exact integral's x₀″ term is −φ₃·h²·x₀″ = −2φ₃·d₂, and k-diffusion (like
/// DPM-Solver's and diffusers' third-order multistep) uses −φ₃·d₂, half of it, which leaves the method second order:
/// on the linear ODE with exact start-up steps the error ratio per halving is 4.2 with k-diffusion's coefficient and
/// 8.2 with this one (tests/…/AncestralSamplerTests). On ordinary grids the first-order start-up step bounds the global
/// order by 2 either way; the corrected term lowers the error constant.
/// </para>
/// </summary>
public sealed class DpmSolverPlusPlus3MSde(int steps, TimeGrid? grid = null, double eta = 1) : DpmSolverPlusPlusSde(steps, grid, eta)
{
    private protected override int Depth => 2;

    private protected override Tensor? Correction(MultistepHistory history, Tensor denoised, double h, double hEta)
    {
        if (history.Count < 1) return null;
        double phi2 = double.ExpM1(-hEta) / hEta + 1;
        double q0 = h / history.H(1);
        var d0 = q0 * (denoised - history.Denoised(1));
        if (history.Count < 2) return phi2 * d0;
        double phi3 = phi2 / hEta - 0.5;
        double q1 = h / history.H(2);   // 0 when the step two back came from α = 0 (h₂ = ∞): second order again
        var d1Difference = d0 - q1 * (history.Denoised(1) - history.Denoised(2));
        var d1 = d0 + (q1 / (q0 + q1)) * d1Difference;
        var d2 = (q0 * q1 / (q0 + q1)) * d1Difference;
        return phi2 * d1 - (2 * phi3) * d2;   // k-diffusion: phi3 * d2, half the Taylor term (see the summary)
    }
}
