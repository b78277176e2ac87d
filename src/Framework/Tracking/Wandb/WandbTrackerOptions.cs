namespace Research.Framework.Tracking.Wandb;

/// <summary>Batching and shutdown settings of <see cref="WandbTracker"/>; the defaults suit real training.</summary>
public sealed record WandbTrackerOptions
{
    /// <summary>
    /// Calls the queue holds before <c>Log</c> waits for the sender: far more than any realistic backlog, and waiting
    /// (back-pressure) is the only alternative to dropping metrics.
    /// </summary>
    public int QueueCapacity { get; init; } = 65536;

    /// <summary>The pause between sends, so many steps travel in one request (the JS SDK sends every 2 s early on).</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long the stream may be idle before a <c>{}</c> heartbeat (wandb-core: 30 s).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long <c>Finish</c> waits for everything queued to reach the server before giving up (the local sinks still
    /// hold it, and <c>sync RUN-DIR</c> replays it). Bounded so that a refusing or failing server never holds a finished
    /// run's process (it held one ~10 minutes before); <c>WANDB_FINISH_TIMEOUT</c> overrides it.
    /// </summary>
    public TimeSpan FinishTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>History lines per file_stream request.</summary>
    public int MaxLinesPerRequest { get; init; } = 1000;

    /// <summary>The HTTP client's retry policies, delay and warnings.</summary>
    public WandbClientOptions Client { get; init; } = new();
}
