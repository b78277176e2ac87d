namespace Research.Framework.Tracking.RunIndex;

/// <summary>Batching of <see cref="RunStoreTracker"/>.</summary>
public sealed record RunStoreTrackerOptions
{
    /// <summary>Write a transaction once this many metric values are waiting.</summary>
    public int FlushRows { get; init; } = 1_000;

    /// <summary>Or once this long has passed since the last write (checked on each Log).</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(2);
}
