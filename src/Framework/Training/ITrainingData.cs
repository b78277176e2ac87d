using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Training;

/// <summary>One training batch: data x (B, ...) and optional class labels (B).</summary>
public sealed record TrainingBatch(Tensor X, Tensor? Labels = null);

/// <summary>An endless, seeded stream of batches whose position can be saved and restored exactly.</summary>
public interface ITrainingData
{
    /// <summary>The next batch.</summary>
    TrainingBatch Next();

    /// <summary>The position of the stream (for a checkpoint).</summary>
    string SaveState();

    /// <summary>Restores a position saved by <see cref="SaveState"/>: the batches that follow are the ones that followed then.</summary>
    void RestoreState(string state);
}
