namespace Research.Framework.Data;

/// <summary>
/// What a trainer needs to know about any data set. A data set is either finite and indexed
/// (<see cref="IIndexedDataset"/>: shuffled epochs) or procedural (<see cref="ISampledDataset"/>: i.i.d. draws);
/// <see cref="BatchLoader"/> serves both.
/// </summary>
public interface IDataset
{
    /// <summary>The shape of one sample, e.g. [2] for toy points or [1, 32, 32] for padded Fashion-MNIST.</summary>
    long[] SampleShape { get; }

    /// <summary>The number of classes of the labels, or null for an unlabelled set.</summary>
    int? NumClasses { get; }
}
