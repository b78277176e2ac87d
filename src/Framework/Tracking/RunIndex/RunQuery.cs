namespace Research.Framework.Tracking.RunIndex;

/// <summary>Filter and order of <see cref="RunStore.ListRuns"/>; null filters match everything.</summary>
public sealed record RunQuery
{
    /// <summary>Only runs of this experiment.</summary>
    public string? Experiment { get; init; }

    /// <summary>Only runs in this state.</summary>
    public RunStatus? Status { get; init; }

    /// <summary>Only runs of this sweep.</summary>
    public string? SweepId { get; init; }

    /// <summary>The sort column.</summary>
    public RunOrder OrderBy { get; init; } = RunOrder.Started;

    /// <summary>The summary key for <see cref="RunOrder.Summary"/>.</summary>
    public string? SummaryKey { get; init; }

    /// <summary>Largest first.</summary>
    public bool Descending { get; init; } = true;

    /// <summary>At most this many runs (all when null).</summary>
    public int? Limit { get; init; }
}
