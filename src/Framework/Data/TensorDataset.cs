using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Data;

/// <summary>An indexed data set over tensors already in memory: samples X (N, ...) and optional labels (N).</summary>
public sealed class TensorDataset : IIndexedDataset
{
    readonly Tensor x;
    readonly Tensor? labels;

    /// <summary>Wraps <paramref name="x"/> and <paramref name="labels"/> (int64, values in [0, numClasses)).</summary>
    public TensorDataset(Tensor x, Tensor? labels = null, int? numClasses = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() < 1 || x.shape[0] == 0) throw new ArgumentException($"A tensor data set needs at least one sample; got shape [{string.Join(", ", x.shape)}].", nameof(x));
        if (labels is not null && (labels.dim() != 1 || labels.shape[0] != x.shape[0] || labels.dtype != ScalarType.Int64))
            throw new ArgumentException($"Labels must be int64 of shape [{x.shape[0]}]; got {labels.dtype} [{string.Join(", ", labels.shape)}].", nameof(labels));
        if ((labels is null) != (numClasses is null))
            throw new ArgumentException("Give labels and numClasses together, or neither.", nameof(numClasses));
        this.x = x.detach().cpu().DetachFromDisposeScope();
        this.labels = labels?.detach().cpu().DetachFromDisposeScope();
        NumClasses = numClasses;
    }

    /// <inheritdoc />
    public long[] SampleShape => x.shape[1..];
    /// <inheritdoc />
    public int? NumClasses { get; }
    /// <inheritdoc />
    public long Count => x.shape[0];

    /// <inheritdoc />
    public Batch Gather(Tensor indices) => new(x.index_select(0, indices), labels?.index_select(0, indices));
}
