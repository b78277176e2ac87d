using static TorchSharp.torch;

namespace Research.Framework.Data;

/// <summary>A finite data set, preloaded, read by index.</summary>
public interface IIndexedDataset : IDataset
{
    /// <summary>The number of samples N.</summary>
    long Count { get; }

    /// <summary>
    /// The samples at int64 <paramref name="indices"/> (B) on the CPU, gathered with one index_select (no
    /// per-sample loop): X as float (B, SampleShape...), labels as int64 (B) or null.
    /// </summary>
    Batch Gather(Tensor indices);
}
