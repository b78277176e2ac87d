using System.Text.Json.Serialization;

namespace Research.Framework.Networks;

/// <summary>
/// Everything that fixes a DiT's shape and initialisation; defaults are the reference constructor's (XL/2 on
/// 32×32×4 latents, 1000 classes). Use <see cref="Preset"/> for the paper's models and <c>with</c> for variants,
/// or set every field for tiny test models.
/// </summary>
public sealed record DiTOptions
{
    /// <summary>The latent side H = W.</summary>
    public int InputSize { get; init; } = 32;

    /// <summary>The patch side p (H must be divisible by p).</summary>
    public int PatchSize { get; init; } = 2;

    /// <summary>Latent channels C (output channels are the same: no learned-sigma doubling).</summary>
    public int InChannels { get; init; } = 4;

    /// <summary>The token width D (divisible by 4 for the sin-cos table and by the head count).</summary>
    public int HiddenSize { get; init; } = 1152;

    /// <summary>The number of transformer blocks.</summary>
    public int Depth { get; init; } = 28;

    /// <summary>Attention heads.</summary>
    public int NumHeads { get; init; } = 16;

    /// <summary>The MLP width is ⌊D·ratio⌋.</summary>
    public double MlpRatio { get; init; } = 4.0;

    /// <summary>F, the width of the frequency embedding of t (and dt).</summary>
    public int FrequencyEmbedSize { get; init; } = 256;

    /// <summary>K real classes (the null label is K), or null for an unconditional model with no label table.</summary>
    public int? NumClasses { get; init; } = 1000;

    /// <summary>The training-mode label drop rate for classifier-free guidance.</summary>
    public double ClassDropoutProb { get; init; } = 0.1;

    /// <summary>Whether the model takes a second time input dt (MeanFlow), through its own embedder.</summary>
    public bool TakeDt { get; init; }

    /// <summary>
    /// Whether the model has a per-time log-variance head (<see cref="LogVarianceHead"/>) for uncertainty-weighted losses
    /// (EDM2, sCM's adaptive weight). Off unless asked for.
    /// </summary>
    public bool LogVarianceHead { get; init; }

    /// <summary>
    /// The time embedder sees TimeScale·t + TimeShift and the output is multiplied by <see cref="OutputScale"/> (1, 0
    /// and 1: t itself, the output itself). They let weights trained under another time convention run under ours:
    /// official SiT (t = 1 is data there, the velocity points to the data): TimeScale −1, TimeShift 1, OutputScale −1;
    /// official DiT (ε from the DDPM step index 0…999; our DDPM's t = i/T, i = 1…T): TimeScale 1000, TimeShift −1.
    /// dt (MeanFlow) is embedded as it is.
    /// </summary>
    public double TimeScale { get; init; } = 1;

    /// <summary>See <see cref="TimeScale"/>.</summary>
    public double TimeShift { get; init; }

    /// <summary>See <see cref="TimeScale"/>.</summary>
    public double OutputScale { get; init; } = 1;

    /// <summary>The seed of the initialisation (and of the fallback label-dropout generator, seed + 4).</summary>
    public long Seed { get; init; }

    /// <summary>
    /// A weights file a new run starts from instead of the seeded init ("" = none): an official DiT/SiT PyTorch state
    /// dict (<c>.pt</c>, bare or a checkpoint's "ema"/"model" entry) or a <c>.safetensors</c> file this framework saved.
    /// Read once when the run starts (not on resume or eval, whose weights come from the run's checkpoint).
    /// </summary>
    [JsonIgnore]
    public string InitFrom { get; init; } = "";

    /// <summary>S = H/p, the grid side.</summary>
    public int GridSize => InputSize / PatchSize;

    /// <summary>L = S², the token count.</summary>
    public int TokenCount => GridSize * GridSize;

    /// <summary>⌊D·ratio⌋.</summary>
    public int MlpHidden => (int)Math.Floor(HiddenSize * MlpRatio);

    /// <summary>
    /// The paper's models: S (384, 12 blocks, 6 heads), B (768, 12, 12), L (1024, 24, 16), XL (1152, 28, 16), with
    /// the patch size as the suffix: "S/2", "B/4", "XL/8" (also "S_2"). Any positive patch size is accepted.
    /// </summary>
    public static DiTOptions Preset(string name, int inputSize, int inChannels, int? numClasses)
    {
        var (size, patch) = PresetName.Parse(name, "DiT", "\"S/2\" or \"XL/8\"");
        var (hidden, depth, heads) = size switch
        {
            "S" => (384, 12, 6),
            "B" => (768, 12, 12),
            "L" => (1024, 24, 16),
            "XL" => (1152, 28, 16),
            _ => throw new ArgumentException($"unknown DiT size \"{size}\" (known: S, B, L, XL)", nameof(name)),
        };
        return new DiTOptions
        {
            InputSize = inputSize, PatchSize = patch, InChannels = inChannels,
            HiddenSize = hidden, Depth = depth, NumHeads = heads, NumClasses = numClasses,
        };
    }

    /// <summary>Throws on shapes the architecture cannot build.</summary>
    public void Validate()
    {
        void Require(bool ok, string message) { if (!ok) throw new ArgumentException(message); }
        Require(InputSize > 0 && PatchSize > 0 && InputSize % PatchSize == 0, $"InputSize {InputSize} must be a positive multiple of PatchSize {PatchSize}");
        Require(InChannels > 0 && Depth >= 0 && NumHeads > 0, "InChannels and NumHeads must be positive and Depth non-negative");
        Require(HiddenSize > 0 && HiddenSize % 4 == 0, $"HiddenSize {HiddenSize} must be a positive multiple of 4 (2-D sin-cos positions)");
        Require(HiddenSize % NumHeads == 0, $"HiddenSize {HiddenSize} must be divisible by NumHeads {NumHeads}");
        Require(MlpHidden > 0 && FrequencyEmbedSize > 0, "MlpRatio and FrequencyEmbedSize must be positive");
        Require(NumClasses is null or > 0, $"NumClasses must be positive or null, got {NumClasses}");
        Require(ClassDropoutProb is >= 0 and <= 1, $"ClassDropoutProb must lie in [0, 1], got {ClassDropoutProb}");
        Require(double.IsFinite(TimeScale) && TimeScale != 0 && double.IsFinite(TimeShift), $"TimeScale must be finite and non-zero and TimeShift finite, got {TimeScale} and {TimeShift}");
        Require(double.IsFinite(OutputScale) && OutputScale != 0, $"OutputScale must be finite and non-zero, got {OutputScale}");
    }

    /// <summary>
    /// The number of trainable parameters, in closed form (no model is built): patch embed p²CD + D; time MLP
    /// FD + D + D² + D (twice with dt); label table (K + 1)D; per block 3D² + 3D (qkv) + D² + D (proj) + 2DM + M + D
    /// (MLP) + 6D² + 6D (adaLN); final layer 2D² + 2D + Dp²C + p²C; the log-variance head F + 1. The position table is a buffer and not counted.
    /// </summary>
    public long ParameterCount()
    {
        long d = HiddenSize, m = MlpHidden, f = FrequencyEmbedSize, patchOut = (long)PatchSize * PatchSize * InChannels;
        long patch = patchOut * d + d;
        long time = f * d + d + d * d + d;
        long labels = NumClasses is int k ? (k + 1) * d : 0;
        long block = 3 * d * d + 3 * d + d * d + d + 2 * d * m + m + d + 6 * d * d + 6 * d;
        long final = 2 * d * d + 2 * d + d * patchOut + patchOut;
        long logVariance = LogVarianceHead ? f + 1 : 0;
        return patch + time * (TakeDt ? 2 : 1) + labels + Depth * block + final + logVariance;
    }
}
