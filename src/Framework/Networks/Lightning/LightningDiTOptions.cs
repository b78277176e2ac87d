namespace Research.Framework.Networks.Lightning;

/// <summary>
/// Everything that fixes a LightningDiT's shape and initialisation. Defaults are the published configuration
/// (hustvl/LightningDiT <c>lightningdit_xl_vavae_f16d32.yaml</c>: XL on 16×16×32 VA-VAE latents with patch 1, SwiGLU,
/// RoPE, RMSNorm, adaLN with shift, no qk-norm) except the latent shape, which is SD-VAE's 32×32×4 with patch 2 like
/// <see cref="DiTOptions"/>. RMSNorm, SwiGLU and RoPE are what makes the architecture LightningDiT and are always on
/// (with them off it is <see cref="DiT"/>); qk-norm and the adaLN shift are options, as in the reference.
/// </summary>
public sealed record LightningDiTOptions
{
    /// <summary>The latent side H = W.</summary>
    public int InputSize { get; init; } = 32;

    /// <summary>The patch side p (H must be divisible by p).</summary>
    public int PatchSize { get; init; } = 2;

    /// <summary>Latent channels C (output channels are the same: no learned-sigma doubling).</summary>
    public int InChannels { get; init; } = 4;

    /// <summary>The token width D (divisible by 4 for the sin-cos table, and by 4·NumHeads for 2-D RoPE).</summary>
    public int HiddenSize { get; init; } = 1152;

    /// <summary>The number of transformer blocks.</summary>
    public int Depth { get; init; } = 28;

    /// <summary>Attention heads (the head width D/H must be a multiple of 4 for 2-D RoPE).</summary>
    public int NumHeads { get; init; } = 16;

    /// <summary>The SwiGLU width is ⌊⅔·⌊D·ratio⌋⌋.</summary>
    public double MlpRatio { get; init; } = 4.0;

    /// <summary>F, the width of the frequency embedding of t (and dt).</summary>
    public int FrequencyEmbedSize { get; init; } = 256;

    /// <summary>K real classes (the null label is K), or null for an unconditional model with no label table.</summary>
    public int? NumClasses { get; init; } = 1000;

    /// <summary>The training-mode label drop rate for classifier-free guidance.</summary>
    public double ClassDropoutProb { get; init; } = 0.1;

    /// <summary>Whether the model takes a second time input dt (MeanFlow), through its own embedder (a copy of the t embedder at init).</summary>
    public bool TakeDt { get; init; }

    /// <summary>RMSNorm on each head's queries and keys before RoPE (the reference's <c>use_qknorm</c>; off in its published configuration).</summary>
    public bool QkNorm { get; init; }

    /// <summary>Whether the blocks' adaLN has shifts (6 modulation chunks, on in the published configuration) or only scales and gates (4 chunks, the reference's <c>wo_shift</c>).</summary>
    public bool AdaLnShift { get; init; } = true;

    /// <summary>The seed of the initialisation (and of the fallback label-dropout generator, seed + 4).</summary>
    public long Seed { get; init; }

    /// <summary>S = H/p, the grid side.</summary>
    public int GridSize => InputSize / PatchSize;

    /// <summary>L = S², the token count.</summary>
    public int TokenCount => GridSize * GridSize;

    /// <summary>D_h = D/H, the head width.</summary>
    public int HeadDim => HiddenSize / NumHeads;

    /// <summary>h = ⌊⅔·⌊D·ratio⌋⌋, the SwiGLU width (the reference's <c>int(2/3 * mlp_hidden_dim)</c>, in the same double arithmetic).</summary>
    public int FfnHidden => (int)(2.0 / 3 * Math.Floor(HiddenSize * MlpRatio));

    /// <summary>
    /// The reference's models: B (768, 12 blocks, 12 heads), L (1024, 24, 16), XL (1152, 28, 16), 1p0B (1536, 24, 24) and
    /// 1p6B (1792, 28, 28), with the patch size as the suffix: "B/2", "XL/1" (also "XL_1"). Any positive patch size is accepted.
    /// </summary>
    public static LightningDiTOptions Preset(string name, int inputSize, int inChannels, int? numClasses)
    {
        var (size, patch) = PresetName.Parse(name, "LightningDiT", "\"B/2\" or \"XL/1\"");
        var (hidden, depth, heads) = size switch
        {
            "B" => (768, 12, 12),
            "L" => (1024, 24, 16),
            "XL" => (1152, 28, 16),
            "1P0B" => (1536, 24, 24),
            "1P6B" => (1792, 28, 28),
            _ => throw new ArgumentException($"unknown LightningDiT size \"{size}\" (known: B, L, XL, 1p0B, 1p6B)", nameof(name)),
        };
        return new LightningDiTOptions
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
        Require(HeadDim % 4 == 0, $"the head width HiddenSize/NumHeads = {HeadDim} must be a multiple of 4 (2-D RoPE rotates pairs, half of them per grid axis)");
        Require(FfnHidden > 0 && FrequencyEmbedSize > 0, "MlpRatio and FrequencyEmbedSize must be positive");
        Require(NumClasses is null or > 0, $"NumClasses must be positive or null, got {NumClasses}");
        Require(ClassDropoutProb is >= 0 and <= 1, $"ClassDropoutProb must lie in [0, 1], got {ClassDropoutProb}");
    }

    /// <summary>
    /// The number of trainable parameters, in closed form (no model is built): patch embed p²CD + D; time MLP FD + D + D² + D
    /// (twice with dt); label table (K + 1)D; per block 2D (RMSNorms) + 3D² + 3D (qkv) + 2D_h with qk-norm + D² + D (proj) +
    /// 2hD + 2h + hD + D (SwiGLU) + (6 or 4)(D² + D) (adaLN); final layer D + 2D² + 2D + Dp²C + p²C. The position and RoPE
    /// tables are buffers and not counted.
    /// </summary>
    public long ParameterCount()
    {
        long d = HiddenSize, h = FfnHidden, f = FrequencyEmbedSize, patchOut = (long)PatchSize * PatchSize * InChannels;
        long patch = patchOut * d + d;
        long time = f * d + d + d * d + d;
        long labels = NumClasses is int k ? (k + 1) * d : 0;
        long attention = 3 * d * d + 3 * d + (QkNorm ? 2L * HeadDim : 0) + d * d + d;
        long block = 2 * d + attention + 2 * h * d + 2 * h + h * d + d + (AdaLnShift ? 6 : 4) * (d * d + d);
        long final = d + 2 * d * d + 2 * d + d * patchOut + patchOut;
        return patch + time * (TakeDt ? 2 : 1) + labels + Depth * block + final;
    }
}
