using static TorchSharp.torch;

namespace Research.Framework.Data;

/// <summary>
/// Draws the next batch of another source on a background thread while the training thread works on the current
/// one, for data that costs work per batch (procedural draws); a preloaded set's gather is not worth a thread. The
/// inner source is only ever asked for batches in order, one at a time, so the sequence is exactly the inner one's.
/// <see cref="SaveState"/> is the position after the batches already served (captured before the prefetch started),
/// so a checkpoint resumes at the batch the trainer would have taken next, never skipping the one in flight.
/// </summary>
public sealed class PrefetchingBatchSource(IBatchSource inner) : IBatchSource, IDisposable
{
    Task<Batch>? pending;
    string? served;

    /// <summary>Whether a loader over <paramref name="data"/> gains from prefetching: procedural sets compute every batch.</summary>
    public static bool Helps(IDataset data) => data is ISampledDataset;

    /// <inheritdoc />
    public Batch Next()
    {
        var batch = pending is null ? inner.Next() : Adopt(Take());
        served = inner.SaveState();
        pending = Task.Run(inner.Next);
        return batch;
    }

    /// <inheritdoc />
    public string SaveState() => served ?? inner.SaveState();

    /// <inheritdoc />
    public void RestoreState(string state)
    {
        Discard();
        inner.RestoreState(state);
        served = null;
    }

    /// <summary>Waits for the batch in flight and takes it.</summary>
    Batch Take()
    {
        var batch = pending!.GetAwaiter().GetResult();
        pending = null;
        return batch;
    }

    /// <summary>
    /// Dispose scopes belong to threads: the background thread's tensors are in none. An alias made here joins the
    /// training thread's current scope (the step's), and the background handle is released.
    /// </summary>
    static Batch Adopt(Batch batch)
    {
        var x = batch.X.alias();
        var labels = batch.Labels?.alias();
        var encoderInput = batch.EncoderInput?.alias();
        Release(batch);
        return new Batch(x, labels) { EncoderInput = encoderInput };
    }

    void Discard()
    {
        if (pending is null) return;
        Release(Take());
    }

    static void Release(Batch batch)
    {
        batch.X.Dispose();
        batch.Labels?.Dispose();
        batch.EncoderInput?.Dispose();
    }

    /// <summary>Waits for the batch in flight and releases it (the inner source is the caller's).</summary>
    public void Dispose() => Discard();
}
