using Research.Framework.Compute;
using Research.Framework.Interfaces;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Networks;

/// <summary>
/// A time-embedded MLP for toy data of any dimension: h = input(x) + t_emb(s·t) [+ dt_emb(s·dt)] [+ y_emb(y)],
/// then Depth × (SiLU → Linear(H, H)), then SiLU → Linear(H → Dim). Inputs (B, ...) are flattened and the output
/// has the input's shape. Takes dt (MeanFlow on toys) and class labels (conditional toys with CFG) like
/// <see cref="DiT"/>, with the same label-dropout rules. Linears use PyTorch's default rule, drawn from the seed.
/// <para>State names: <c>input.{weight,bias}</c>, <c>t_embedder.mlp.{0,2}.{weight,bias}</c>, with dt
/// <c>dt_embedder.mlp.{0,2}.*</c>, conditional <c>y_embedder.embedding_table.weight</c> (K + 1, H),
/// <c>layers.{i}.{weight,bias}</c>, <c>output.{weight,bias}</c>, with the log-variance head
/// <c>logvar_head.linear.{weight,bias}</c>.</para>
/// </summary>
public sealed class ToyMlp : nn.Module, ILabelDropoutNetwork, ILogVarianceNetwork, ITangentNetwork, IConfiguredNetwork
{
    private readonly Linear input;
    private readonly TimestepEmbedder t_embedder;
    private readonly TimestepEmbedder? dt_embedder;
    private readonly LabelEmbedder? y_embedder;
    private readonly ModuleList<Linear> layers;
    private readonly Linear output;
    private readonly LogVarianceHead? logvar_head;

    public ToyMlp(ToyMlpOptions options) : base(nameof(ToyMlp))
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        using var init = new Generator(unchecked((ulong)options.Seed));
        int h = options.Hidden;
        input = nn.Linear(options.Dim, h);
        t_embedder = new TimestepEmbedder(h, options.FrequencyEmbedSize, init, options.ResolvedTimeScale);
        if (options.TakeDt) dt_embedder = new TimestepEmbedder(h, options.FrequencyEmbedSize, init, options.ResolvedTimeScale);
        if (options.NumClasses is int k) y_embedder = new LabelEmbedder(k, h, options.ClassDropoutProb, init, options.Seed + 4);
        layers = nn.ModuleList(Enumerable.Range(0, options.Depth).Select(_ => nn.Linear(h, h)).ToArray());
        output = nn.Linear(h, options.Dim);
        foreach (var linear in layers.Prepend(input).Append(output)) SeededInit.LinearDefault(linear, init);
        if (options.LogVarianceHead) logvar_head = new LogVarianceHead(options.FrequencyEmbedSize, options.ResolvedTimeScale);
        RegisterComponents();
    }

    /// <summary>The options the model was built with.</summary>
    public ToyMlpOptions Options { get; }

    object IConfiguredNetwork.Options => Options;

    /// <inheritdoc />
    public int? NumClasses => Options.NumClasses;

    /// <inheritdoc />
    public bool HasLogVariance => logvar_head is not null;

    /// <inheritdoc />
    public Tensor LogVariance(Tensor cNoise) =>
        (logvar_head ?? throw new InvalidOperationException("This ToyMlp was built without a log-variance head (ToyMlpOptions.LogVarianceHead).")).forward(cNoise);

    /// <inheritdoc />
    public double LabelDropoutProbability => y_embedder?.DropoutProbability ?? 0;

    /// <summary>The label-dropout generator (see <see cref="DiT.LabelDropout"/>); null when unconditional.</summary>
    public Generator? LabelDropout
    {
        get => y_embedder?.LabelDropout;
        set => (y_embedder ?? throw new InvalidOperationException("an unconditional ToyMlp has no label dropout")).LabelDropout = value;
    }

    /// <summary>x (B, ...) with Dim elements per sample, t (B); labels and dt from <paramref name="cond"/> as for DiT.</summary>
    public NetworkOutput Forward(Tensor x, Tensor t, Conditioning cond)
    {
        long b = Validate(x, t, cond);
        var h = input.forward(x.reshape(b, Options.Dim)).Plus(t_embedder.forward(t));
        if (dt_embedder is not null) h = h.Plus(dt_embedder.forward(cond.Dt ?? zeros_like(t)));
        if (y_embedder is not null) h = h.Plus(y_embedder.Embed(cond.Labels, b, x.device));
        foreach (var layer in layers) h = layer.forward(nn.functional.silu(h));
        return new NetworkOutput(output.forward(nn.functional.silu(h)).reshape(x.shape));
    }

    /// <summary>
    /// <see cref="Forward"/> and its tangent along (dx, dt, d(dt)): the sum of the input Linear's and the time embedders'
    /// tangents (labels have none), then the SiLU and Linear rules layer by layer.
    /// </summary>
    public (NetworkOutput Output, Tensor Tangent) ForwardWithTangent(Tensor x, Tensor t, Conditioning cond, NetworkTangent tangent)
    {
        ArgumentNullException.ThrowIfNull(tangent);
        long b = Validate(x, t, cond);
        Tangents.RequireLike(tangent.X, x, "tangent.X");
        Tangents.RequireLike(tangent.T, t, "tangent.T");
        if (tangent.Dt is not null) Tangents.RequireLike(tangent.Dt, t, "tangent.Dt");

        var (h, dh) = Tangents.Linear(input, x.reshape(b, Options.Dim), tangent.X.reshape(b, Options.Dim));
        var (time, dTime) = t_embedder.ForwardWithTangent(t, tangent.T);
        (h, dh) = (h.Plus(time), dh.Plus(dTime));
        if (dt_embedder is not null)
        {
            var (jump, dJump) = dt_embedder.ForwardWithTangent(cond.Dt ?? zeros_like(t), tangent.Dt);
            (h, dh) = (h.Plus(jump), dh.Plus(dJump));
        }
        if (y_embedder is not null) h = h.Plus(y_embedder.Embed(cond.Labels, b, x.device));
        foreach (var layer in layers.Append(output))
        {
            var (activated, dActivated) = Tangents.Silu(h, dh);
            (h, dh) = Tangents.Linear(layer, activated, dActivated);
        }
        return (new NetworkOutput(h.reshape(x.shape)), dh.reshape(x.shape));
    }

    /// <summary>Checks x and t against the model's shape; returns B.</summary>
    private long Validate(Tensor x, Tensor t, Conditioning cond)
    {
        ArgumentNullException.ThrowIfNull(cond);
        if (x.ndim < 1 || x.numel() != x.shape[0] * Options.Dim)
            throw new ArgumentException($"expected x (B, ...) with {Options.Dim} elements per sample, got [{string.Join(", ", x.shape)}]", nameof(x));
        long b = x.shape[0];
        if (t.ndim != 1 || t.shape[0] != b) throw new ArgumentException($"t must have shape ({b}), got [{string.Join(", ", t.shape)}]", nameof(t));
        return b;
    }
}
