using Research.Framework.Compute;
using Research.Framework.Interfaces;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Networks;

/// <summary>
/// The reference DiT (diffuse_nnx <c>dit_nnx.DiT</c>, itself PyTorch DiT without learned sigma) in NCHW:
/// x (B, C, H, W) → p×p stride-p conv patch embedding + fixed 2-D sin-cos positions → depth adaLN-Zero blocks
/// conditioned on c = t_emb(t) + y_emb(y) [+ dt_emb(dt)] → final layer → unpatchify to (B, C, H, W).
/// t is fed raw (the reference does not multiply by 1000), unless the options' time map (TimeScale, TimeShift,
/// OutputScale) says otherwise, for weights trained under another convention. At init the output is exactly 0 (adaLN-Zero).
/// <para>
/// State names (PyTorch DiT's, so its checkpoints map one to one apart from the fused/unfused qkv):
/// <c>x_embedder.weight</c> (D, C, p, p), <c>x_embedder.bias</c>; buffer <c>pos_embed</c> (1, L, D);
/// <c>t_embedder.mlp.{0,2}.{weight,bias}</c>; with dt <c>dt_embedder.mlp.{0,2}.{weight,bias}</c>;
/// conditional only <c>y_embedder.embedding_table.weight</c> (K + 1, D);
/// <c>blocks.{i}.attn.qkv.{weight,bias}</c>, <c>blocks.{i}.attn.proj.{weight,bias}</c>,
/// <c>blocks.{i}.mlp.fc{1,2}.{weight,bias}</c>, <c>blocks.{i}.adaLN_modulation.1.{weight,bias}</c>;
/// <c>final_layer.adaLN_modulation.1.{weight,bias}</c>, <c>final_layer.linear.{weight,bias}</c>; with the log-variance
/// head <c>logvar_head.linear.{weight,bias}</c>. The official checkpoints load through <see cref="StateDicts.OfficialDiTWeights"/>.
/// </para>
/// <para>
/// The blocks run through <see cref="TransformerStem.RunBlocks{TBlock}(IList{TBlock}, Tensor, bool, Func{TBlock, Tensor, Tensor})"/>:
/// each in its own dispose scope, with what TorchSharp leaves to finalizers freed between them (without that, the
/// native heap fragmented to 3× PyTorch's peak RSS at inference).
/// </para>
/// </summary>
public sealed class DiT : nn.Module, IFeatureNetwork, ILabelDropoutNetwork, ILogVarianceNetwork, ITangentNetwork, IConfiguredNetwork
{
    private readonly Conv2d x_embedder;
    private readonly Tensor pos_embed;
    private readonly TimestepEmbedder t_embedder;
    private readonly TimestepEmbedder? dt_embedder;
    private readonly LabelEmbedder? y_embedder;
    private readonly ModuleList<DiTBlock> blocks;
    private readonly DiTFinalLayer final_layer;
    private readonly LogVarianceHead? logvar_head;

    /// <summary>Builds a DiT; every weight is drawn from a generator seeded with <c>options.Seed</c>.</summary>
    public DiT(DiTOptions options) : base(nameof(DiT))
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        using var init = new Generator(unchecked((ulong)options.Seed));
        int d = options.HiddenSize, p = options.PatchSize;

        x_embedder = nn.Conv2d(options.InChannels, d, p, stride: p);
        SeededInit.XavierUniform(x_embedder.weight!, init);
        SeededInit.Zero(x_embedder.bias);
        // A buffer owned by the module, not by whatever dispose scope the constructor runs in.
        pos_embed = SinCosPositions.Table(d, options.GridSize).DetachFromDisposeScope();
        t_embedder = new TimestepEmbedder(d, options.FrequencyEmbedSize, init);
        if (options.NumClasses is int k) y_embedder = new LabelEmbedder(k, d, options.ClassDropoutProb, init, options.Seed + 4);
        blocks = nn.ModuleList(Enumerable.Range(0, options.Depth).Select(_ => new DiTBlock(d, options.NumHeads, options.MlpHidden, init)).ToArray());
        final_layer = new DiTFinalLayer(d, p * p * options.InChannels);
        if (options.TakeDt)
        {
            // The reference deep-copies the t embedder: same initial weights, trained separately.
            dt_embedder = new TimestepEmbedder(d, options.FrequencyEmbedSize, init);
            SeededInit.CopyState(t_embedder, dt_embedder);
        }
        if (options.LogVarianceHead) logvar_head = new LogVarianceHead(options.FrequencyEmbedSize);
        RegisterComponents();
    }

    /// <summary>A paper preset ("S/2", "B/4", "L/8", "XL/2", ...); see <see cref="DiTOptions.Preset"/>.</summary>
    public static DiT Preset(string name, int inputSize, int inChannels, int? numClasses) =>
        new(DiTOptions.Preset(name, inputSize, inChannels, numClasses));

    /// <summary>The options the model was built with.</summary>
    public DiTOptions Options { get; }

    object IConfiguredNetwork.Options => Options;

    /// <inheritdoc />
    public int? NumClasses => Options.NumClasses;

    /// <inheritdoc />
    public int HiddenSize => Options.HiddenSize;

    /// <inheritdoc />
    public bool HasLogVariance => logvar_head is not null;

    /// <inheritdoc />
    public Tensor LogVariance(Tensor cNoise) =>
        (logvar_head ?? throw new InvalidOperationException("This DiT was built without a log-variance head (DiTOptions.LogVarianceHead).")).forward(cNoise);

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
        set => (y_embedder ?? throw new InvalidOperationException("an unconditional DiT has no label dropout")).LabelDropout = value;
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
        var conditioning = TransformerStem.Conditioning(t_embedder, dt_embedder, y_embedder, EmbeddedTime(t), cond, b, x.device);

        var (last, features) = TransformerStem.RunBlocks(blocks, tokens, ReturnFeatures, (block, h) => block.forward(h, conditioning));
        tokens = last;
        var output = Scaled(Patches.Unpatchify(final_layer.forward(tokens, conditioning), Options.PatchSize, Options.InChannels));
        return features is null ? new NetworkOutput(output) : new NetworkOutput(output, features);
    }

    /// <summary>
    /// <see cref="Forward"/> and its tangent along (dx, dt, d(dt)): the patch embedding is linear (tangent conv(dx) without
    /// bias, the positions are constant), the conditioning's tangent is the time embedders' (labels have none), each block
    /// and the final layer apply their rules, and unpatchify is a permutation.
    /// </summary>
    public (NetworkOutput Output, Tensor Tangent) ForwardWithTangent(Tensor x, Tensor t, Conditioning cond, NetworkTangent tangent)
    {
        long b = Validate(x, t, cond);
        TransformerStem.CheckTangent(tangent, x, b);
        var (tokens, dTokens) = TransformerStem.Tokens(x_embedder, pos_embed, x, tangent.X, Options.PatchSize);
        // The embedder sees TimeScale·t + TimeShift, so its time tangent is TimeScale·dt/ds.
        var embeddedTangent = Options.TimeScale == 1 ? tangent : tangent with { T = tangent.T.Times(Options.TimeScale) };
        var (conditioning, dConditioning) = TransformerStem.Conditioning(t_embedder, dt_embedder, y_embedder, EmbeddedTime(t), cond, embeddedTangent, b, x.device);

        (tokens, dTokens, var features) = TransformerStem.RunBlocks(blocks, tokens, dTokens, ReturnFeatures,
            (block, h, dh) => block.ForwardWithTangent(h, dh, conditioning, dConditioning));
        var (patches, dPatches) = final_layer.ForwardWithTangent(tokens, dTokens, conditioning, dConditioning);
        var output = Scaled(Patches.Unpatchify(patches, Options.PatchSize, Options.InChannels));
        var outputTangent = Scaled(Patches.Unpatchify(dPatches, Options.PatchSize, Options.InChannels));
        return (features is null ? new NetworkOutput(output) : new NetworkOutput(output, features), outputTangent);
    }

    /// <summary>The time the embedder sees: TimeScale·t + TimeShift (t itself by default).</summary>
    Tensor EmbeddedTime(Tensor t) => Options.TimeScale == 1 && Options.TimeShift == 0 ? t : t.Times(Options.TimeScale).Plus(Options.TimeShift);

    /// <summary>The output times OutputScale (itself by default).</summary>
    Tensor Scaled(Tensor output) => Options.OutputScale == 1 ? output : output.Times(Options.OutputScale);

    /// <summary>Checks x, t, labels and dt against the model's shape (a shape error inside some native ops kills the process); returns B.</summary>
    private long Validate(Tensor x, Tensor t, Conditioning cond) =>
        TransformerStem.Check(x, t, cond, Options.InChannels, Options.InputSize, Options.TakeDt, y_embedder is not null);
}
