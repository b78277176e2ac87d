using Research.Framework.Interfaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Samplers;

/// <summary>
/// Guidance, in one place for every sampler: d = d_guide + w·(d_cond − d_guide), where the conditional branch runs
/// the model with the caller's labels and the guide branch runs the guide model (the model itself by default) with
/// the guide's null label (its NumClasses, never a hard-coded 1000: classifier-free guidance) or, for autoguidance
/// (<see cref="GuideInput.CallerLabels"/>), with the caller's labels. A separate guide network without classes (an
/// unconditional run) gets no labels: it is the unconditional model.
/// <para>
/// Grid times are shared by the whole batch, so whether t lies in the guidance interval is decided once per
/// evaluation on the host: outside the interval, and whenever w = 1, only the conditional branch runs
/// (one model call), which saves the unconditional evaluation a per-sample mask would still pay for.
/// </para>
/// </summary>
public sealed class Guidance
{
    /// <summary>
    /// Resolves the branches for a batch. The null labels are built here, so guiding a network without classes by
    /// its own null label fails with the interface's own error before any sampling step when w ≠ 1.
    /// </summary>
    public Guidance(Interface model, SampleOptions options, long batch)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        if (!double.IsFinite(options.GuidanceScale))
            throw new ArgumentOutOfRangeException(nameof(options), options.GuidanceScale, $"SampleOptions.GuidanceScale must be finite (got {options.GuidanceScale}).");
        if (!(options.GuidanceInterval.Min <= options.GuidanceInterval.Max))
            throw new ArgumentOutOfRangeException(nameof(options), $"SampleOptions.GuidanceInterval must have Min ≤ Max (got {options.GuidanceInterval}).");
        Model = model;
        GuideModel = options.GuideModel ?? model;
        Scale = options.GuidanceScale;
        Interval = options.GuidanceInterval;
        Conditional = options.Conditioning ?? Conditioning.None;
        if (Scale != 1.0) Unconditional = GuideConditioning(options.GuideInput, batch);
    }

    Conditioning GuideConditioning(GuideInput input, long batch) =>
        !ReferenceEquals(GuideModel, Model) && GuideModel.Network.NumClasses is null ? Conditional with { Labels = null }
        : input == GuideInput.CallerLabels ? Conditional
        : Conditional with { Labels = GuideModel.NullLabels(batch) };

    /// <summary>The model (conditional branch).</summary>
    public Interface Model { get; }
    /// <summary>The network of the unconditional branch.</summary>
    public Interface GuideModel { get; }
    /// <summary>w.</summary>
    public double Scale { get; }
    /// <summary>Where guidance applies.</summary>
    public TimeInterval Interval { get; }
    /// <summary>The caller's conditioning.</summary>
    public Conditioning Conditional { get; }
    /// <summary>The guide branch's conditioning: null labels, the caller's labels or none (null when w = 1).</summary>
    public Conditioning? Unconditional { get; }

    /// <summary>True when an evaluation at time t runs both branches.</summary>
    public bool AppliesAt(double t) => Unconditional is not null && Interval.Contains(t);

    /// <summary>
    /// Evaluates <paramref name="field"/> (any quantity affine in the network output: Pred, a drift, a jump) on the
    /// model, and, where guidance applies at time t, on the guide with its conditioning, and combines the two.
    /// </summary>
    public Tensor Evaluate(Func<Interface, Conditioning, Tensor> field, double t)
    {
        var conditional = field(Model, Conditional);
        if (!AppliesAt(t)) return conditional;
        var unconditional = field(GuideModel, Unconditional!);
        return unconditional + Scale * (conditional - unconditional);
    }
}
