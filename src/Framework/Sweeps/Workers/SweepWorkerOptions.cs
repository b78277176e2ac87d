namespace Research.Framework.Sweeps.Workers;

/// <summary>How a <see cref="SweepWorker"/> behaves.</summary>
public sealed record SweepWorkerOptions
{
    /// <summary>This worker's name in the store (unique among the sweep's workers: host and process, or the array task index).</summary>
    public required string WorkerId { get; init; }

    /// <summary>How often a running trial's heartbeat is refreshed (Optuna's heartbeat_interval).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A running trial whose heartbeat is older than this is failed and re-queued (twice the interval by default, as in Optuna).</summary>
    public TimeSpan? GracePeriod { get; init; }

    /// <summary>The grace period in effect.</summary>
    public TimeSpan Grace => GracePeriod ?? 2 * HeartbeatInterval;

    /// <summary>How many times a stale trial is re-queued (attempts 1..MaxRetries) before it stays failed.</summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>The sweep's budget of first tries (retries do not count); null for none (the strategy decides).</summary>
    public int? MaxTrials { get; init; }

    /// <summary>How long to wait before looking again when nothing can be handed out but other workers' trials are still running.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The random source the strategy draws from.</summary>
    public Random Random { get; init; } = new();
}
