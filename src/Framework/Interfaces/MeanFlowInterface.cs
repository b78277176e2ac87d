using Research.Framework.Differentiation;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Interfaces;

/// <summary>Options of <see cref="MeanFlowInterface"/>, with the reference's defaults.</summary>
public record MeanFlowOptions : SiTOptions
{
    /// <summary>ω: weight of the conditional velocity in the guided training target (1 = no guidance).</summary>
    public double GuidanceScale { get; init; } = 1.0;
    /// <summary>κ: weight of the network's own conditional prediction in the guided target, in [0, 1].</summary>
    public double GuidanceMixtureRatio { get; init; } = 0.5;
    /// <summary>Guidance applies only where GuidanceTMin ≤ t ≤ GuidanceTMax (within [0, 1]).</summary>
    public double GuidanceTMin { get; init; }
    /// <summary>Upper end of the guidance window.</summary>
    public double GuidanceTMax { get; init; } = 1.0;
    /// <summary>ε of the adaptive loss weight 1 / (L + ε)^p (&gt; 0).</summary>
    public double NormEps { get; init; } = 1e-3;
    /// <summary>p of the adaptive loss weight (≥ 0; 0 gives the plain sum loss).</summary>
    public double NormPower { get; init; } = 1.0;
    /// <summary>Fraction of each batch trained with r = t (plain flow matching), in [0, 1].</summary>
    public double FmPortion { get; init; } = 0.75;
    /// <summary>Probability that a sample's label is replaced by the null label (and its target unguided), in [0, 1].</summary>
    public double CondDropRatio { get; init; } = 0.5;
    /// <summary>
    /// How the JVP du/dt is computed: forward mode (default; the network's tangent rule, one primal pass plus a tangent
    /// pass, and double-VJP for a network without one), exact double-VJP, or central finite differences.
    /// </summary>
    public JvpStrategy Jvp { get; init; } = JvpStrategy.ForwardMode;

    /// <summary>
    /// The JVP of du/dt by name, as a setting: forward_mode (default: the network's own tangent rule where it has one,
    /// ToyMlp, DiT and LightningDiT do, else double_vjp), double_vjp or finite_difference.
    /// </summary>
    public string JvpMethod { get => Jvp.Name; init => Jvp = JvpStrategy.Parse(value); }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        var name = GetType().Name;
        OptionChecks.NonNegative(GuidanceScale, $"{name}.GuidanceScale");
        OptionChecks.InUnitInterval(GuidanceMixtureRatio, $"{name}.GuidanceMixtureRatio");
        OptionChecks.InUnitInterval(GuidanceTMin, $"{name}.GuidanceTMin");
        OptionChecks.InUnitInterval(GuidanceTMax, $"{name}.GuidanceTMax");
        if (GuidanceTMin > GuidanceTMax)
            throw new ArgumentOutOfRangeException($"{name}.GuidanceTMin", GuidanceTMin,
                $"{name}.GuidanceTMin ({GuidanceTMin}) must not exceed {name}.GuidanceTMax ({GuidanceTMax}).");
        OptionChecks.Positive(NormEps, $"{name}.NormEps");
        OptionChecks.NonNegative(NormPower, $"{name}.NormPower");
        OptionChecks.InUnitInterval(FmPortion, $"{name}.FmPortion");
        OptionChecks.InUnitInterval(CondDropRatio, $"{name}.CondDropRatio");
        if (Jvp is null) throw new ArgumentNullException($"{name}.Jvp", $"{name}.Jvp must be a JVP strategy ({JvpStrategy.ValidNames}).");
    }
}

/// <summary>
/// MeanFlow (Geng et al. 2025): the network takes a second time input dt = t − r through
/// <see cref="Conditioning.Dt"/> and predicts the average velocity u(x_t, t, r), so x_r = x_t − (t − r)·u.
/// Trained with the MeanFlow identity u = v − (t − r)·du/dt, where du/dt is the JVP along (v, 1, 0).
/// <para>
/// Single-time queries (<see cref="Pred(Tensor, Tensor, Conditioning?)"/> and the score) use r = t, the
/// instantaneous velocity. The reference's score evaluates u at r = 0 (the average over [0, t]) and divides by
/// t²; both are wrong, so this port uses SiT's score −(x_t + (1 − t)·v)/t with v = u(x_t, t, t).
/// </para>
/// </summary>
public class MeanFlowInterface : SiTInterface, ITwoTimeModel
{
    /// <summary>Creates the interface.</summary>
    public MeanFlowInterface(IDiffusionNetwork network, TimeDist dist, MeanFlowOptions? options = null)
        : base(network, dist, options ??= new MeanFlowOptions())
    {
        Options = options;
        if (network.NumClasses is null && (GuidesTarget || options.CondDropRatio > 0))
            throw new ArgumentException(
                $"MeanFlowOptions GuidanceScale = {options.GuidanceScale}, GuidanceMixtureRatio = {options.GuidanceMixtureRatio} and " +
                $"CondDropRatio = {options.CondDropRatio} need the null label, but the network ({network.GetType().Name}) has no classes " +
                "(NumClasses is null). For an unconditional model set GuidanceScale = 1, GuidanceMixtureRatio = 0 and CondDropRatio = 0.",
                nameof(options));
        if (network is ILabelDropoutNetwork { LabelDropoutProbability: > 0 } dropping)
            throw new ArgumentException(
                $"MeanFlow drops conditions itself (MeanFlowOptions.CondDropRatio) so that the guided target stays consistent, but the " +
                $"network ({network.GetType().Name}) also drops labels with probability {dropping.LabelDropoutProbability}. " +
                "Build the network with class dropout 0 (it keeps its null-label row).", nameof(network));
    }

    /// <summary>The validated options.</summary>
    public new MeanFlowOptions Options { get; }

    /// <summary>True when the training target is guided (ω ≠ 1 or κ ≠ 0).</summary>
    public bool GuidesTarget => Options.GuidanceScale != 1.0 || Options.GuidanceMixtureRatio != 0.0;

    /// <summary>
    /// Draws (t, r) with t ≥ r: two draws from the training distribution, t the larger. The first
    /// floor(batch·FmPortion) samples get r = t (plain flow matching).
    /// </summary>
    public (Tensor T, Tensor R) SampleTR(long batch)
    {
        var a = SampleT(batch);
        var b = SampleT(batch);
        var t = maximum(a, b);
        var r = minimum(a, b);
        long flowMatching = (long)Math.Floor(batch * Options.FmPortion);
        var isFlowMatching = arange(batch, device: Device).lt(flowMatching);
        return (t, where(isFlowMatching, t, r));
    }

    /// <summary>The average velocity u(x_t, t, r): the network at (c_in·x_t, t) with dt = t − r.</summary>
    public Tensor Pred(Tensor xt, Tensor t, Tensor r, Conditioning? cond = null)
    {
        t = PerSample(t, xt);
        r = PerSample(r, xt);
        return RunNetwork(xt, t, CNoise(t), (cond ?? Conditioning.None) with { Dt = t - r }).Output;
    }

    /// <summary>The instantaneous velocity u(x_t, t, t) (dt = 0).</summary>
    public override Tensor Pred(Tensor xt, Tensor t, Conditioning? cond = null)
    {
        t = PerSample(t, xt);
        return Pred(xt, t, t, cond);
    }

    /// <summary>
    /// The network output U = u(x_t, t, dt = t − r) (with gradient) and the stop-gradient regression target
    /// v − clip(t − r, 0, 1)·du/dt, with v the (guided, possibly condition-dropped) instantaneous velocity.
    /// </summary>
    public (Tensor U, Tensor Target) Target(Tensor x, Tensor n, Tensor t, Tensor r, Conditioning? cond = null)
    {
        var (u, target, _) = TargetWithFeatures(x, n, PerSample(t, x), PerSample(r, x), cond);
        return (u, target);
    }

    /// <summary>The loss term holding the unweighted L = ‖u − target‖² per sample (logged as train/unweighted_loss).</summary>
    public const string UnweightedLossKey = "unweighted_loss";

    /// <summary>
    /// L = Σ_non-batch (u − target)², weighted by the stop-gradient adaptive weight 1/(L + NormEps)^NormPower. With
    /// NormPower = 1 the weighted loss is L/(L + ε) ≈ 1 whatever the model does, so the output also carries L itself
    /// (detached) under <see cref="UnweightedLossKey"/>: that is the number that says whether MeanFlow is learning.
    /// </summary>
    public override LossOutput Loss(Tensor x, Conditioning? cond = null)
    {
        var (t, r) = SampleTR(x.shape[0]);
        var n = SampleN(x.shape);
        var (u, target, features) = TargetWithFeatures(x, n, t, r, cond);
        var perSample = SumFlat((u - target).square());
        var weight = (perSample.detach() + Options.NormEps).pow(-Options.NormPower);
        var terms = new Dictionary<string, Tensor> { [LossOutput.LossKey] = weight * perSample, [UnweightedLossKey] = perSample.detach() };
        return new LossOutput(terms, u, features);
    }

    (Tensor U, Tensor Target, IReadOnlyList<Tensor> Features) TargetWithFeatures(Tensor x, Tensor n, Tensor t, Tensor r, Conditioning? cond)
    {
        cond ??= Conditioning.None;
        long batch = x.shape[0];
        var labels = cond.Labels ?? (Network.NumClasses is null ? null : NullLabels(batch));
        var xt = SampleXt(x, n, t);
        var velocity = Target(x, n, t);
        if (GuidesTarget) velocity = GuidedVelocity(xt, t, velocity, cond with { Labels = labels });
        if (Options.CondDropRatio > 0) (velocity, labels) = DropConditions(x, n, velocity, labels);

        var networkCond = cond with { Labels = labels };
        IReadOnlyList<Tensor> features = [];
        Tensor AverageVelocity(Tensor[] p)
        {
            var output = RunNetwork(p[0], p[1], CNoise(p[1]), networkCond with { Dt = p[1] - p[2] });
            if (features.Count == 0) features = output.Features; // the first call is the primal one
            return output.Output;
        }
        JvpResult AverageVelocityWithTangent(Tensor[] p, Tensor[] d)
        {
            var (output, tangent) = RunNetworkWithTangent(p[0], p[1], networkCond with { Dt = p[1] - p[2] }, d[0], d[1], d[1] - d[2]);
            if (features.Count == 0) features = output.Features;
            return new JvpResult(output.Output, tangent);
        }
        var function = new JvpFunction(AverageVelocity, NetworkHasTangent ? AverageVelocityWithTangent : null);
        var jvp = Options.Jvp.Compute(function, [xt, t, r], [velocity, ones_like(t), zeros_like(r)]);
        var jump = BcastRight((t - r).clamp(0, 1), x);
        var target = (velocity - jump * jvp.Tangent).detach();
        return (jvp.Output, target, features);
    }

    /// <summary>
    /// Inside the guidance window: v ← ω·v + (1 − ω − κ)·u_uncond + κ·u_cond, with u at (x_t, t, dt = 0) for the
    /// null label and for the label (κ = 0: v ← u_uncond + ω·(v − u_uncond)); eval mode, no gradient.
    /// </summary>
    Tensor GuidedVelocity(Tensor xt, Tensor t, Tensor velocity, Conditioning cond)
    {
        var nullLabels = NullLabels(xt.shape[0]);
        using var evaluation = new EvaluationMode(Network);
        var instantaneous = cond with { Dt = zeros_like(t) };
        var unconditional = RunNetwork(xt, t, CNoise(t), instantaneous with { Labels = nullLabels }).Output;
        double omega = Options.GuidanceScale, kappa = Options.GuidanceMixtureRatio;
        var guided = kappa == 0
            ? unconditional + omega * (velocity - unconditional)
            : omega * velocity + (1 - omega - kappa) * unconditional + kappa * RunNetwork(xt, t, CNoise(t), instantaneous).Output;
        var inWindow = BcastRight(t.ge(Options.GuidanceTMin).logical_and(t.le(Options.GuidanceTMax)), velocity);
        return where(inWindow, guided, velocity);
    }

    /// <summary>
    /// Condition dropout as in the reference: draw a Bernoulli(CondDropRatio) mask, count it, and give the first
    /// `count` samples the null label and the unguided velocity n − x (so the guided target stays consistent).
    /// </summary>
    (Tensor Velocity, Tensor Labels) DropConditions(Tensor x, Tensor n, Tensor velocity, Tensor? labels)
    {
        long batch = x.shape[0];
        var nullLabels = NullLabels(batch);
        var dropCount = DrawShard.Draw([batch], s => rand(s, DType, Device, generator: Random.LabelDropout)).lt(Options.CondDropRatio).sum();
        var dropped = arange(batch, device: Device).lt(dropCount);
        var newLabels = where(dropped, nullLabels, labels ?? nullLabels);
        var newVelocity = where(BcastRight(dropped, velocity), n - x, velocity);
        return (newVelocity, newLabels);
    }
}
