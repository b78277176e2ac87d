namespace Research.Framework.Tracking.Wandb;

/// <summary>
/// How one kind of W&amp;B request is retried, after wandb-core (<c>core/internal/clients/retry_policy.go</c>, <c>api.go</c>,
/// <c>filestream.go</c>): which HTTP statuses are worth another try, how many tries, the backoff bounds and the
/// per-attempt timeout. Connection errors and timeouts are always retried; 401 and 403 never are.
/// </summary>
/// <param name="Name">For messages.</param>
/// <param name="MaxRetries">Tries after the first.</param>
/// <param name="MinWait">The first backoff (doubled each retry).</param>
/// <param name="MaxWait">The cap on one wait, <c>Retry-After</c> included.</param>
/// <param name="AttemptTimeout">How long one request may take; null for none (large uploads).</param>
/// <param name="NotRetried">Statuses answered at once.</param>
public sealed record WandbRetryPolicy(string Name, int MaxRetries, TimeSpan MinWait, TimeSpan MaxWait, TimeSpan? AttemptTimeout, IReadOnlySet<int> NotRetried)
{
    /// <summary>wandb-core's <c>RetryMostFailures</c> exclusions.</summary>
    public static IReadOnlySet<int> MostFailuresNotRetried { get; } = new HashSet<int> { 400, 401, 403, 404, 409, 410, 413, 422, 501 };

    /// <summary>GraphQL queries and mutations: 20 retries, 2–60 s, 30 s per attempt.</summary>
    public static WandbRetryPolicy GraphQl { get; } = new("graphql", 20, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30), MostFailuresNotRetried);

    /// <summary><c>UpsertBucket</c>: like GraphQL, but 409 Conflict is retried (the run is being created concurrently).</summary>
    public static WandbRetryPolicy UpsertBucket { get; } = GraphQl with { Name = "upsert", NotRetried = new HashSet<int> { 400, 401, 403, 410, 422 } };

    /// <summary>file_stream: retried for about a week (10085 tries), 180 s per attempt; resending is idempotent by offset.</summary>
    public static WandbRetryPolicy FileStream { get; } = GraphQl with { Name = "file_stream", MaxRetries = 10085, AttemptTimeout = TimeSpan.FromSeconds(180) };

    /// <summary>Uploads to signed URLs: 20 retries, no per-attempt timeout.</summary>
    public static WandbRetryPolicy Upload { get; } = GraphQl with { Name = "upload", AttemptTimeout = null };

    /// <summary>Whether an answer with <paramref name="status"/> (0 for no answer) deserves another try.</summary>
    public bool ShouldRetry(int status) => status switch
    {
        0 => true,
        401 or 403 => false,
        >= 200 and < 300 => false,
        _ => status >= 400 && !NotRetried.Contains(status),
    };

    /// <summary>
    /// The wait before retry number <paramref name="attempt"/> (0 for the first retry): <c>MinWait·2^attempt</c> times a
    /// jitter in [1, 1.25) from <paramref name="jitter01"/>, capped at <see cref="MaxWait"/>; a server's
    /// <c>Retry-After</c> wins (also capped).
    /// </summary>
    public TimeSpan Backoff(int attempt, double jitter01, TimeSpan? retryAfter = null)
    {
        if (retryAfter is { } serverWait) return serverWait < MaxWait ? (serverWait < TimeSpan.Zero ? TimeSpan.Zero : serverWait) : MaxWait;
        var seconds = MinWait.TotalSeconds * Math.Pow(2, Math.Min(attempt, 30)) * (1 + 0.25 * jitter01);
        return seconds < MaxWait.TotalSeconds ? TimeSpan.FromSeconds(seconds) : MaxWait;
    }

    /// <summary>Parses a <c>Retry-After</c> value: delta seconds or an HTTP date (relative to <paramref name="now"/>).</summary>
    public static TimeSpan? ParseRetryAfter(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
            return TimeSpan.FromSeconds(Math.Max(0, seconds));
        if (DateTimeOffset.TryParseExact(value.Trim(), "r", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var date))
            return date > now ? date - now : TimeSpan.Zero;
        return null;
    }
}
