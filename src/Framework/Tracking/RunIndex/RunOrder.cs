namespace Research.Framework.Tracking.RunIndex;

/// <summary>How <see cref="RunStore.ListRuns"/> sorts.</summary>
public enum RunOrder
{
    /// <summary>By start time (the default; newest first with <see cref="RunQuery.Descending"/>).</summary>
    Started,

    /// <summary>By finish time (running runs last).</summary>
    Finished,

    /// <summary>By experiment, then start time.</summary>
    Experiment,

    /// <summary>By display name.</summary>
    Name,

    /// <summary>By status name.</summary>
    Status,

    /// <summary>By the summary value <see cref="RunQuery.SummaryKey"/> (runs without it last).</summary>
    Summary,
}
