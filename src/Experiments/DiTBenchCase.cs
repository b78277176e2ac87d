using Research.Framework.Commands;
using Research.Framework.Networks;

namespace Research.Experiments;

/// <summary>
/// One row of `bench-dit`: a DiT, what is timed, our precision, and the PyTorch case it is compared with.
/// <c>Model</c> and <c>Reference</c> are the Python script's <c>--model</c> and <c>--case</c>.
/// </summary>
public sealed record DiTBenchCase(string Name, string Model, string Kind, string Precision, string Description)
{
    /// <summary>The batch of every case, both sides.</summary>
    public const int Batch = 32;

    /// <summary>The PyTorch case this one is compared with: the same kind, always float32 eager.</summary>
    public string Reference => Kind;

    /// <summary>Every case, in the order the bench runs them.</summary>
    public static readonly IReadOnlyList<DiTBenchCase> All =
    [
        new("small/train", "small", "train", "fp32", "flow-matching step (forward, backward, AdamW)"),
        new("small/forward", "small", "forward", "fp32", "no-grad forward"),
        new("small/meanflow", "small", "meanflow", "fp32", "MeanFlow step, forward-mode JVP both sides"),
        new("s2/train", "s2", "train", "fp32", "DiT-S/2 step"),
        new("s2/train-bf16", "s2", "train", "bf16", "ours under --Precision bf16 (fp32 masters) against PyTorch's fp32 step"),
        new("s2/forward", "s2", "forward", "fp32", "DiT-S/2 no-grad forward"),
        new("s2/meanflow", "s2", "meanflow", "fp32", "DiT-S/2 MeanFlow step"),
    ];

    /// <summary>The case names, for messages.</summary>
    public static string Names => string.Join(", ", All.Select(c => c.Name));

    /// <summary>The case of that name; an unknown one is a usage error listing the cases.</summary>
    public static DiTBenchCase Find(string name) =>
        All.FirstOrDefault(c => c.Name == name) ?? throw new UsageException($"bench-dit has no case '{name}' (cases: {Names})");

    /// <summary>
    /// Our DiT for the case, the Python script's <c>MODELS</c> entry: small = 16×16×4, patch 2, width 256, 4 blocks, 4 heads,
    /// 10 classes; s2 = DiT-S/2 on 32×32×4 with 1000 classes. No label dropout (MeanFlow drops conditions itself; PyTorch's
    /// side draws none either), dt input for MeanFlow.
    /// </summary>
    public DiTOptions Network() => (Model == "small"
        ? new DiTOptions { InputSize = 16, PatchSize = 2, InChannels = 4, HiddenSize = 256, Depth = 4, NumHeads = 4, NumClasses = 10 }
        : DiTOptions.Preset("S/2", 32, 4, 1000)) with { ClassDropoutProb = 0, TakeDt = Kind == "meanflow", Seed = 1 };
}
