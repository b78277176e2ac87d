using Research.Framework.Interfaces;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Networks.Lightning;

/// <summary>
/// LightningDiT (Yao et al. 2025, "Reconstruction vs. Generation", hustvl/LightningDiT <c>models/lightningdit.py</c>;
/// diffuse_nnx <c>lightning_dit_nnx.py</c>) in NCHW: DiT's skeleton (p×p stride-p conv patch embedding plus the fixed 2-D
/// sin-cos positions, c = t_emb(t) + y_emb(y) [+ dt_emb(dt)], depth adaLN-Zero blocks, final layer, unpatchify) with
/// RMSNorm, SwiGLU feed-forwards and 2-D RoPE on queries and keys, optional qk-norm and an optional adaLN without shifts.
/// t is fed raw, as the reference's SiT transport does. At init the output is exactly 0 (adaLN-Zero).
/// <para>
/// State names are the reference's (<see cref="LightningDiTWeights"/> maps its state dicts), except that the patch
/// embedding is a Conv2d of its own as in <see cref="DiT"/>: <c>x_embedder.weight</c> (D, C, p, p), <c>x_embedder.bias</c>;
/// buffers <c>pos_embed</c> (1, L, D), <c>feat_rope.freqs_cos</c> and <c>feat_rope.freqs_sin</c> (L, D_h);
/// <c>t_embedder.mlp.{0,2}.{weight,bias}</c>; with dt <c>dt_embedder.mlp.{0,2}.{weight,bias}</c>; conditional only
/// <c>y_embedder.embedding_table.weight</c> (K + 1, D); <c>blocks.{i}.*</c> (<see cref="LightningDiTBlock"/>);
/// <c>final_layer.*</c> (<see cref="DiTFinalLayer"/> over an RMSNorm: <c>norm_final.weight</c>, <c>adaLN_modulation.1.*</c>, <c>linear.*</c>).
/// </para>
/// <para>
/// It has a forward-mode tangent rule (<see cref="ITangentNetwork"/>), each layer's next to its forward, so MeanFlow's and
/// sCM's JVPs through it need no double backward.
/// </para>
/// </summary>
public sealed class LightningDiT : nn.Module, IFeatureNetwork, ILabelDropoutNetwork, ITangentNetwork
{
    private readonly Conv2d x_embedder;
    private readonly Tensor pos_embed;
    private readonly VisionRope feat_rope;
    private readonly TimestepEmbedder t_embedder;
    private readonly TimestepEmbedder? dt_embedder;
    private readonly LabelEmbedder? y_embedder;
    private readonly ModuleList<LightningDiTBlock> blocks;
    private readonly DiTFinalLayer final_layer;

    /// <summary>Builds a LightningDiT; every weight is drawn from a generator seeded with <c>options.Seed</c>.</summary>
    public LightningDiT(LightningDiTOptions options) : base(nameof(LightningDiT))
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        using var init = new Generator(unchecked((ulong)options.Seed));
        int d = options.HiddenSize, p = options.PatchSize;

        x_embedder = nn.Conv2d(options.InChannels, d, p, stride: p);
        SeededInit.XavierUniform(x_embedder.weight!, init);
        SeededInit.Zero(x_embedder.bias);
        // Buffers owned by the module, not by whatever dispose scope the constructor runs in.
        pos_embed = SinCosPositions.Table(d, options.GridSize).DetachFromDisposeScope();
        feat_rope = new VisionRope(options.HeadDim, options.GridSize);
        t_embedder = new TimestepEmbedder(d, options.FrequencyEmbedSize, init);
        if (options.NumClasses is int k) y_embedder = new LabelEmbedder(k, d, options.ClassDropoutProb, init, options.Seed + 4);
        blocks = nn.ModuleList(Enumerable.Range(0, options.Depth)
            .Select(_ => new LightningDiTBlock(d, options.NumHeads, options.FfnHidden, options.QkNorm, options.AdaLnShift, init)).ToArray());
        final_layer = new DiTFinalLayer(d, p * p * options.InChannels, rmsNorm: true);
        if (options.TakeDt)
        {
            // As diffuse_nnx: a copy of the t embedder (same initial weights), trained separately.
            dt_embedder = new TimestepEmbedder(d, options.FrequencyEmbedSize, init);
            SeededInit.CopyState(t_embedder, dt_embedder);
        }
        RegisterComponents();
    }

    /// <summary>A reference preset ("B/2", "L/2", "XL/1", ...); see <see cref="LightningDiTOptions.Preset"/>.</summary>
    public static LightningDiT Preset(string name, int inputSize, int inChannels, int? numClasses) =>
        new(LightningDiTOptions.Preset(name, inputSize, inChannels, numClasses));

    /// <summary>The options the model was built with.</summary>
    public LightningDiTOptions Options { get; }

    /// <inheritdoc />
    public int? NumClasses => Options.NumClasses;

    /// <inheritdoc />
    public int HiddenSize => Options.HiddenSize;

    /// <inheritdoc />
    public double LabelDropoutProbability => y_embedder?.DropoutProbability ?? 0;

    /// <summary>Whether <see cref="Forward"/> also returns every block's output (B, L, D), in block order (for REPA).</summary>
    public bool ReturnFeatures { get; set; }

    /// <summary>
    /// The generator label dropout draws from in training mode (a CPU generator seeded with Seed + 4 until an
    /// interface's <c>RandomStreams.LabelDropout</c> is assigned). Null for an unconditional model.
    /// </summary>
    public Generator? LabelDropout
    {
        get => y_embedder?.LabelDropout;
        set => (y_embedder ?? throw new InvalidOperationException("an unconditional LightningDiT has no label dropout")).LabelDropout = value;
    }

    /// <summary>
    /// x (B, C, H, W), raw t (B), and from <paramref name="cond"/> the labels (B, int64; null = the null label K
    /// for every sample) and, for a model built with <c>TakeDt</c>, dt (B; null = zeros). A model without dt
    /// ignores <c>cond.Dt</c>; an unconditional one ignores labels.
    /// </summary>
    public NetworkOutput Forward(Tensor x, Tensor t, Conditioning cond)
    {
        long b = Validate(x, t, cond);
        var tokens = TransformerStem.Tokens(x_embedder, pos_embed, x);
        var conditioning = TransformerStem.Conditioning(t_embedder, dt_embedder, y_embedder, t, cond, b, x.device);

        var (last, features) = TransformerStem.RunBlocks(blocks, tokens, ReturnFeatures, (block, h) => block.Forward(h, conditioning, feat_rope));
        tokens = last;
        var output = Patches.Unpatchify(final_layer.forward(tokens, conditioning), Options.PatchSize, Options.InChannels);
        return features is null ? new NetworkOutput(output) : new NetworkOutput(output, features);
    }

    /// <summary>
    /// <see cref="Forward"/> and its tangent along (dx, dt, d(dt)): the stem's rules (patch embedding, time embedders), each
    /// block's and the final layer's, and unpatchify, a permutation.
    /// </summary>
    public (NetworkOutput Output, Tensor Tangent) ForwardWithTangent(Tensor x, Tensor t, Conditioning cond, NetworkTangent tangent)
    {
        long b = Validate(x, t, cond);
        TransformerStem.CheckTangent(tangent, x, b);
        var (tokens, dTokens) = TransformerStem.Tokens(x_embedder, pos_embed, x, tangent.X, Options.PatchSize);
        var (conditioning, dConditioning) = TransformerStem.Conditioning(t_embedder, dt_embedder, y_embedder, t, cond, tangent, b, x.device);

        (tokens, dTokens, var features) = TransformerStem.RunBlocks(blocks, tokens, dTokens, ReturnFeatures,
            (block, h, dh) => block.ForwardWithTangent(h, dh, conditioning, dConditioning, feat_rope));
        var (patches, dPatches) = final_layer.ForwardWithTangent(tokens, dTokens, conditioning, dConditioning);
        var output = Patches.Unpatchify(patches, Options.PatchSize, Options.InChannels);
        var outputTangent = Patches.Unpatchify(dPatches, Options.PatchSize, Options.InChannels);
        return (features is null ? new NetworkOutput(output) : new NetworkOutput(output, features), outputTangent);
    }

    /// <summary>Checks x, t, labels and dt against the model's shape (a shape error inside some native ops kills the process); returns B.</summary>
    private long Validate(Tensor x, Tensor t, Conditioning cond) =>
        TransformerStem.Check(x, t, cond, Options.InChannels, Options.InputSize, Options.TakeDt, y_embedder is not null);
}
