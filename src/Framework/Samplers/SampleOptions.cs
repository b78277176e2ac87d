using Research.Framework.Interfaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Samplers;

/// <summary>
/// The closed time range [Min, Max] in which guidance applies, in the interface's own time (the time its Pred takes):
/// SiT, MeanFlow and the other flow paths t ∈ [0, 1] (t = 1 noise); EDM the noise level σ; TrigFlow and sCM the angle
/// t ∈ [0, π/2]; DDPM t = i/T ∈ [0, 1]. A grid in σ (Karras) is mapped onto that time before guidance is decided.
/// </summary>
public readonly record struct TimeInterval(double Min, double Max)
{
    /// <summary>Every time: guidance everywhere.</summary>
    public static TimeInterval All { get; } = new(double.NegativeInfinity, double.PositiveInfinity);

    /// <summary>Min ≤ t ≤ Max.</summary>
    public bool Contains(double t) => t >= Min && t <= Max;
}

/// <summary>What the guide branch of <see cref="Guidance"/> is conditioned on.</summary>
public enum GuideInput
{
    /// <summary>The guide's null label: classifier-free guidance d_uncond + w·(d_cond − d_uncond).</summary>
    NullLabel,
    /// <summary>The caller's labels: autoguidance, a weaker network of the same task as the guide (Karras et al. 2024).</summary>
    CallerLabels,
}

/// <summary>Per-call options of <see cref="Sampler.Sample"/>. Everything defaults to the sampler's own settings.</summary>
public sealed record SampleOptions
{
    /// <summary>No overrides, no guidance, no labels.</summary>
    public static SampleOptions Default { get; } = new();

    /// <summary>Overrides the sampler's step count for this call (ignored when <see cref="CustomGrid"/> is set).</summary>
    public int? Steps { get; init; }

    /// <summary>An explicit grid (≥ 2 strictly monotone finite points, 1-D) that replaces the sampler's grid.</summary>
    public Tensor? CustomGrid { get; init; }

    /// <summary>Classifier-free guidance scale w: d = d_uncond + w·(d_cond − d_uncond); 1 means no guidance (one model call).</summary>
    public double GuidanceScale { get; init; } = 1.0;

    /// <summary>Times (t or sigma) at which guidance applies; elsewhere the plain conditional field is used.</summary>
    public TimeInterval GuidanceInterval { get; init; } = TimeInterval.All;

    /// <summary>A separate network for the guide branch (autoguidance, a smaller model); the model itself when null.</summary>
    public Interface? GuideModel { get; init; }

    /// <summary>
    /// What the guide branch is given: the null label (classifier-free guidance, the default) or the caller's labels
    /// (autoguidance, EDM2's <c>gnet(x, t, labels)</c>). A separate guide network without classes gets no labels either way.
    /// </summary>
    public GuideInput GuideInput { get; init; } = GuideInput.NullLabel;

    /// <summary>Labels for the conditional branch; the guide branch gets them or the null label (<see cref="GuideInput"/>).</summary>
    public Conditioning? Conditioning { get; init; }

    /// <summary>Noise source of stochastic samplers; wins over <see cref="Seed"/>. It must live on x's device.</summary>
    public Generator? Generator { get; init; }

    /// <summary>Seed of a fresh generator on x's device for stochastic samplers; when neither is set, torch's global generator.</summary>
    public long? Seed { get; init; }

    /// <summary>
    /// Called once after every step with the step index, its start time, x there and the model's x₀ estimate
    /// (k-diffusion's callback; see <see cref="SamplingStep"/>). Null: no callback and no extra work.
    /// </summary>
    public Action<SamplingStep>? Callback { get; init; }
}
