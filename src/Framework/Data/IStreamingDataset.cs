namespace Research.Framework.Data;

/// <summary>
/// An indexed data set read from storage as it trains (e.g. image files): <see cref="BatchLoader"/> tells it where in
/// the seeded stream each batch falls, so per-sample augmentation (a random flip) is a pure function of the loader's
/// seed and position and a resumed run repeats it exactly, and it names the next batch ahead of time so the set can
/// read and decode it off the training thread.
/// </summary>
public interface IStreamingDataset : IIndexedDataset
{
    /// <summary>
    /// The samples at <paramref name="indices"/> as the loader serves them: sample k is at stream position
    /// <c>at.Offset + k</c> of the stream seeded by <c>at.Seed</c> (epoch e, index i is offset e·N + i).
    /// Same CPU layout as <see cref="IIndexedDataset.Gather"/>.
    /// </summary>
    Batch Gather(long[] indices, StreamPosition at);

    /// <summary>A hint: the next <see cref="Gather(long[], StreamPosition)"/> will most likely ask for these; start reading them.</summary>
    void Prefetch(long[] indices, StreamPosition at);
}

/// <summary>Where a batch falls in a loader's stream: the loader's seed and the stream position of its first sample.</summary>
public readonly record struct StreamPosition(long Seed, long Offset);
