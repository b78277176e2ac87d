namespace Research.Framework.Data;

/// <summary>
/// An endless, seeded stream of batches whose position can be saved and restored exactly (the trainer stores it
/// in every checkpoint). <see cref="BatchLoader"/> is the standard one.
/// </summary>
public interface IBatchSource
{
    /// <summary>The next batch.</summary>
    Batch Next();

    /// <summary>The position of the stream, as text for a checkpoint.</summary>
    string SaveState();

    /// <summary>Restores a position saved by <see cref="SaveState"/>: the batches that follow are the ones that followed then.</summary>
    void RestoreState(string state);
}
