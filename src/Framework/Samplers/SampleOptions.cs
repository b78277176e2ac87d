using Research.Framework.Interfaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Samplers;

/// <summary>The closed time range [Min, Max] in which classifier-free guidance applies (grid units: t or sigma).</summary>
public readonly record struct TimeInterval(double Min, double Max)
{
    /// <summary>Every time: guidance everywhere.</summary>
    public static TimeInterval All { get; } = new(double.NegativeInfinity, double.PositiveInfinity);

    /// <summary>Min ≤ t ≤ Max.</summary>
    public bool Contains(double t) => t >= Min && t <= Max;
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

    /// <summary>A separate network for the unconditional branch (autoguidance, a smaller model); the model itself when null.</summary>
    public Interface? GuideModel { get; init; }

    /// <summary>Labels for the conditional branch; the unconditional branch replaces them by the null label.</summary>
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
