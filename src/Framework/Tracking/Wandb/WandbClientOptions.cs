namespace Research.Framework.Tracking.Wandb;

/// <summary>
/// The knobs of the W&amp;B HTTP client that tests (and impatient users) change: the retry policies, and how a backoff
/// wait is spent. Tests pass a <see cref="Delay"/> that only records the wait, so fault scenarios run in
/// milliseconds with the real policy arithmetic.
/// </summary>
public sealed record WandbClientOptions
{
    /// <summary>GraphQL queries (Viewer, CreateRunFiles).</summary>
    public WandbRetryPolicy GraphQl { get; init; } = WandbRetryPolicy.GraphQl;

    /// <summary>The UpsertBucket mutation.</summary>
    public WandbRetryPolicy UpsertBucket { get; init; } = WandbRetryPolicy.UpsertBucket;

    /// <summary>file_stream posts.</summary>
    public WandbRetryPolicy FileStream { get; init; } = WandbRetryPolicy.FileStream;

    /// <summary>PUTs to signed upload URLs.</summary>
    public WandbRetryPolicy Upload { get; init; } = WandbRetryPolicy.Upload;

    /// <summary>Spends a backoff wait (<see cref="Task.Delay(TimeSpan, CancellationToken)"/> by default).</summary>
    public Func<TimeSpan, CancellationToken, Task> Delay { get; init; } = Task.Delay;

    /// <summary>The jitter source, a number in [0, 1).</summary>
    public Func<double> Jitter { get; init; } = Random.Shared.NextDouble;

    /// <summary>Where retries and failures are described (stderr by default). Never receives the API key.</summary>
    public Action<string> Warn { get; init; } = Console.Error.WriteLine;
}
