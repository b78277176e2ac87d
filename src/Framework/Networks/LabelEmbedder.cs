using Research.Framework.Interfaces;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Networks;

/// <summary>
/// The reference's <c>ClassEmbedder</c>: a (K + 1, D) table whose last row (index K = NumClasses) is the null
/// (unconditional) label. In training mode each label is replaced by K with probability
/// <see cref="DropoutProbability"/>, drawn from <see cref="LabelDropout"/> (never the global RNG); in eval mode
/// labels pass through. The null row always exists (unlike the reference, which omits it when the drop rate is 0
/// and then embeds NaN for the null label), so guidance never indexes out of range.
/// <para>State names: <c>embedding_table.weight</c> (K + 1, D). Init: N(0, 0.02²).</para>
/// </summary>
public sealed class LabelEmbedder : nn.Module<Tensor, Tensor>
{
    private readonly Embedding embedding_table;
    private readonly Generator ownLabelDropout;
    private Generator labelDropout;

    /// <summary>A table drawn from <paramref name="initGenerator"/>; drops come from a CPU generator seeded with
    /// <paramref name="dropoutSeed"/> until <see cref="LabelDropout"/> is assigned.</summary>
    public LabelEmbedder(int numClasses, int hiddenSize, double dropoutProbability, Generator initGenerator, long dropoutSeed) : base(nameof(LabelEmbedder))
    {
        if (numClasses <= 0) throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "a label embedder needs at least one class");
        if (dropoutProbability is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(dropoutProbability), dropoutProbability, "must lie in [0, 1]");
        NumClasses = numClasses;
        DropoutProbability = dropoutProbability;
        ownLabelDropout = new Generator(unchecked((ulong)dropoutSeed));
        labelDropout = ownLabelDropout;
        embedding_table = nn.Embedding(numClasses + 1, hiddenSize);
        SeededInit.Normal(embedding_table.weight!, 0.02, initGenerator);
        RegisterComponents();
    }

    /// <summary>K: the number of real classes, and the index of the null label.</summary>
    public int NumClasses { get; }

    /// <summary>The classifier-free-guidance drop rate in training mode.</summary>
    public double DropoutProbability { get; }

    /// <summary>
    /// The stream the drops are drawn from (on its own device); assign an interface's <c>RandomStreams.LabelDropout</c>.
    /// Assigning null goes back to the embedder's own seeded generator.
    /// </summary>
    public Generator? LabelDropout
    {
        get => labelDropout;
        set => labelDropout = value ?? ownLabelDropout;
    }

    /// <summary>Embeds labels, or the null label K for all <paramref name="batch"/> samples when labels are null.</summary>
    public Tensor Embed(Tensor? labels, long batch, Device device) =>
        forward(labels ?? full([batch], (long)NumClasses, ScalarType.Int64, device));

    /// <summary>Replaces labels by the null label with the drop rate (training mode only).</summary>
    public Tensor Drop(Tensor labels)
    {
        if (!training || DropoutProbability == 0) return labels;
        var drop = DrawShard.Draw([labels.shape[0]], s => rand(s, ScalarType.Float64, labelDropout.device, generator: labelDropout)).lt(DropoutProbability).to(labels.device);
        return where(drop, full_like(labels, NumClasses), labels);
    }

    /// <summary>Embeds int64 labels (B) to (B, D), after dropout in training mode.</summary>
    public override Tensor forward(Tensor labels)
    {
        if (labels.dtype != ScalarType.Int64) throw new ArgumentException($"labels must be int64, got {labels.dtype}", nameof(labels));
        return embedding_table.forward(Drop(labels));
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) ownLabelDropout.Dispose();
        base.Dispose(disposing);
    }
}
