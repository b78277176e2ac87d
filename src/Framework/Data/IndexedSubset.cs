using static TorchSharp.torch;

namespace Research.Framework.Data;

/// <summary>The first <c>count</c> samples of an indexed data set (for quick training on part of a set).</summary>
public sealed class IndexedSubset(IIndexedDataset source, long count) : IIndexedDataset
{
    /// <inheritdoc />
    public long[] SampleShape => source.SampleShape;
    /// <inheritdoc />
    public int? NumClasses => source.NumClasses;
    /// <inheritdoc />
    public long Count { get; } = count > 0 ? Math.Min(count, source.Count) : throw new ArgumentOutOfRangeException(nameof(count), count, "A subset needs at least one sample.");
    /// <inheritdoc />
    public Batch Gather(Tensor indices) => source.Gather(indices);
}
