using System.Globalization;
using Research.Framework.Interfaces;

namespace Research.Framework.Samplers;

/// <summary>
/// How a run's samples are guided, as flat run-level settings of every experiment (<c>--GuidanceScale</c>,
/// <c>--GuidanceMin</c>, <c>--GuidanceMax</c>, <c>--Guide</c>; the generator lists this record's properties without a
/// prefix): previews, the final evaluation and <c>eval</c> sample with them, and every number records them in its
/// <see cref="Evaluation.EvaluationProtocol"/>. None of them changes training, so <c>eval</c> may change each.
/// An experiment with its own <c>GuidanceScale</c> property (the well-known row) sets the scale through it instead.
/// </summary>
public sealed record GuidanceSettings
{
    /// <summary>The guidance scale w of previews, final samples and eval: d = d_guide + w·(d_cond − d_guide) (1 = none).</summary>
    public double GuidanceScale { get; init; } = 1.0;

    /// <summary>Guidance applies at model times ≥ this (null: no lower bound); the interface's own time: flow t ∈ [0, 1] (SiT, MeanFlow), EDM σ, TrigFlow angle ∈ [0, π/2], DDPM i/T.</summary>
    public double? GuidanceMin { get; init; }

    /// <summary>Guidance applies at model times ≤ this (null: no upper bound), in the same time as GuidanceMin.</summary>
    public double? GuidanceMax { get; init; }

    /// <summary>The guide branch: empty = the model with its null label (classifier-free guidance); a run folder = that run's EMA network, given the caller's labels (autoguidance; an unconditional run is allowed).</summary>
    public string Guide { get; init; } = "";

    /// <summary>What <see cref="Guide"/> is called in the evaluation protocol and in eval's output.</summary>
    public const string NullLabelGuide = "null-label";

    /// <summary>[GuidanceMin, GuidanceMax], unbounded where unset.</summary>
    public TimeInterval Interval => new(GuidanceMin ?? double.NegativeInfinity, GuidanceMax ?? double.PositiveInfinity);

    /// <summary>True when a separate network guides (autoguidance), false for classifier-free guidance by the null label.</summary>
    public bool HasGuideRun => !string.IsNullOrWhiteSpace(Guide);

    /// <summary>The guide as the protocol records it: <see cref="NullLabelGuide"/> or the guide run's folder.</summary>
    public string GuideName => HasGuideRun ? Guide : NullLabelGuide;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the bad setting and its valid values.</summary>
    public GuidanceSettings Validate()
    {
        if (!double.IsFinite(GuidanceScale))
            throw new ArgumentException($"GuidanceScale must be a finite number (1 = no guidance), got {GuidanceScale.ToString(CultureInfo.InvariantCulture)}.");
        if (GuidanceMin is { } low && !double.IsFinite(low) || GuidanceMax is { } high && !double.IsFinite(high))
            throw new ArgumentException("GuidanceMin and GuidanceMax must be finite numbers, or null for no bound.");
        if (GuidanceMin > GuidanceMax)
            throw new ArgumentException($"GuidanceMin {GuidanceMin?.ToString(CultureInfo.InvariantCulture)} must be ≤ GuidanceMax {GuidanceMax?.ToString(CultureInfo.InvariantCulture)} (the interval [GuidanceMin, GuidanceMax] in the interface's own time).");
        return this;
    }

    /// <summary>
    /// The guidance part of <see cref="SampleOptions"/>: the scale, the interval, and the guide network
    /// (<paramref name="guide"/>, loaded from <see cref="Guide"/>) called with the caller's labels.
    /// </summary>
    public SampleOptions Options(Interface? guide) => new()
    {
        GuidanceScale = GuidanceScale,
        GuidanceInterval = Interval,
        GuideModel = guide,
        GuideInput = guide is null ? GuideInput.NullLabel : GuideInput.CallerLabels,
    };
}
