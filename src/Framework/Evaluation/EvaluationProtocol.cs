using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Research.Framework.Samplers;

namespace Research.Framework.Evaluation;

/// <summary>
/// Everything that makes two sample-quality numbers comparable: the feature extractor and the hash of its weights,
/// the hash of the reference statistics (or of the reference sampler for toy data), how many samples were drawn and
/// the minimum a non-preview number needs, the sampler and its steps, the guidance scale and interval, and the seed.
/// The reference FID pipeline logs a bare float under a key; here every <see cref="MetricResult"/> carries its
/// protocol, and <see cref="RequireSame"/> refuses to compare numbers whose protocols differ, naming the fields.
/// </summary>
public sealed record EvaluationProtocol
{
    /// <summary>The feature space, e.g. "fid-inception-v3", "fmnist-cnn", or "raw-2d" for toy data.</summary>
    public required string Extractor { get; init; }

    /// <summary>SHA-256 of the extractor's weights ("" for a parameter-free feature space).</summary>
    public string ExtractorWeightsHash { get; init; } = "";

    /// <summary>SHA-256 of the reference statistics, or a description of the exact reference sampler (toy data).</summary>
    public string ReferenceHash { get; init; } = "";

    /// <summary>The number of generated samples the metric was computed on.</summary>
    public required int Samples { get; init; }

    /// <summary>Below this sample count the number is a preview (FD and precision/recall are biased by sample size).</summary>
    public int MinimumSamples { get; init; } = 10_000;

    /// <summary>The sampler's name, e.g. "Heun".</summary>
    public string Sampler { get; init; } = "";

    /// <summary>The number of sampler steps.</summary>
    public int Steps { get; init; }

    /// <summary>The classifier-free guidance scale (1 = none).</summary>
    public double GuidanceScale { get; init; } = 1.0;

    /// <summary>The times at which guidance applied.</summary>
    public TimeInterval GuidanceInterval { get; init; } = TimeInterval.All;

    /// <summary>What guided: the model's own null label (<see cref="GuidanceSettings.NullLabelGuide"/>, classifier-free guidance) or a guide run's folder (autoguidance).</summary>
    public string Guide { get; init; } = GuidanceSettings.NullLabelGuide;

    /// <summary>The seed of the sampling noise and labels.</summary>
    public long Seed { get; init; }

    /// <summary>True when fewer samples than <see cref="MinimumSamples"/> were used.</summary>
    public bool IsPreview => Samples < MinimumSamples;

    /// <summary>
    /// The fields and their canonical (culture-invariant, round-trip) text, in a fixed order. <see cref="Guide"/> came
    /// later and is listed only when it is not the null label, so the hashes of earlier numbers stay what they were.
    /// </summary>
    public IReadOnlyList<(string Name, string Value)> Fields() =>
    [
        (nameof(Extractor), Extractor),
        (nameof(ExtractorWeightsHash), ExtractorWeightsHash),
        (nameof(ReferenceHash), ReferenceHash),
        (nameof(Samples), Samples.ToString(CultureInfo.InvariantCulture)),
        (nameof(MinimumSamples), MinimumSamples.ToString(CultureInfo.InvariantCulture)),
        (nameof(Sampler), Sampler),
        (nameof(Steps), Steps.ToString(CultureInfo.InvariantCulture)),
        (nameof(GuidanceScale), GuidanceScale.ToString("R", CultureInfo.InvariantCulture)),
        (nameof(GuidanceInterval), $"{GuidanceInterval.Min.ToString("R", CultureInfo.InvariantCulture)}..{GuidanceInterval.Max.ToString("R", CultureInfo.InvariantCulture)}"),
        (nameof(Seed), Seed.ToString(CultureInfo.InvariantCulture)),
        .. Guide == GuidanceSettings.NullLabelGuide ? Array.Empty<(string, string)>() : [(nameof(Guide), Guide)],
    ];

    /// <summary>Every field, <see cref="Guide"/> included, for comparisons.</summary>
    IReadOnlyList<(string Name, string Value)> Compared() =>
        Guide == GuidanceSettings.NullLabelGuide ? [.. Fields(), (nameof(Guide), Guide)] : Fields();

    /// <summary>SHA-256 (hex) of the canonical fields: a short identity to store next to a number.</summary>
    public string Hash()
    {
        var text = string.Join("\n", Fields().Select(f => $"{f.Name}={f.Value.Length}:{f.Value}"));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The names of the fields whose canonical values differ.</summary>
    public IReadOnlyList<string> DifferingFields(EvaluationProtocol other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Compared().Zip(other.Compared()).Where(p => p.First.Value != p.Second.Value).Select(p => p.First.Name).ToList();
    }

    /// <summary>Throws <see cref="ProtocolMismatchException"/> naming every differing field (with both values).</summary>
    public void RequireSame(EvaluationProtocol other)
    {
        var differing = DifferingFields(other);
        if (differing.Count == 0) return;
        var mine = Compared().ToDictionary(f => f.Name, f => f.Value);
        var theirs = other.Compared().ToDictionary(f => f.Name, f => f.Value);
        throw new ProtocolMismatchException(differing,
            "The evaluation protocols differ in " + string.Join(", ", differing.Select(n => $"{n} ('{mine[n]}' vs '{theirs[n]}')")) + ".");
    }
}
