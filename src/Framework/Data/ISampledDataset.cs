using static TorchSharp.torch;

namespace Research.Framework.Data;

/// <summary>A procedural data set: every draw is an exact i.i.d. sample of the true distribution.</summary>
public interface ISampledDataset : IDataset
{
    /// <summary>
    /// Draws <paramref name="count"/> i.i.d. samples from the true distribution using only
    /// <paramref name="generator"/> (a CPU generator): for training batches and for exact reference samples in
    /// evaluation alike. X is float64 on the CPU; labels int64 or null.
    /// </summary>
    Batch Sample(long count, Generator generator);
}
