using System.Security.Cryptography;

namespace Research.Framework.Tracking.Wandb;

/// <summary>
/// Where and as what a run appears on W&amp;B, read from the same <c>WANDB_*</c> variables the official client uses, so a
/// researcher's shell setup works unchanged. <see cref="ToString"/> never shows the API key: settings end up in
/// logs and exception messages.
/// </summary>
public sealed class WandbSettings
{
    /// <summary>The public cloud.</summary>
    public const string DefaultBaseUrl = "https://api.wandb.ai";

    /// <summary>Used when <c>WANDB_PROJECT</c> is not set (the official client's default too).</summary>
    public const string DefaultProject = "uncategorized";

    /// <summary><c>WANDB_API_KEY</c>: the password of HTTP Basic auth with user <c>api</c>.</summary>
    public string? ApiKey { get; init; }

    /// <summary><c>WANDB_BASE_URL</c>, without a trailing slash.</summary>
    public string BaseUrl { get; init; } = DefaultBaseUrl;

    /// <summary><c>WANDB_ENTITY</c>: user or team; null means the key's default entity (asked with <c>Viewer</c>).</summary>
    public string? Entity { get; init; }

    /// <summary><c>WANDB_PROJECT</c>.</summary>
    public string Project { get; init; } = DefaultProject;

    /// <summary><c>WANDB_MODE</c>: online, offline (alias dryrun) or disabled; online (alias run) by default.</summary>
    public WandbMode Mode { get; init; } = WandbMode.Online;

    /// <summary><c>WANDB_RUN_ID</c>: the run's id in URLs (the protocol's bucket <c>name</c>); 8 random [a-z0-9] if unset.</summary>
    public string RunId { get; init; } = NewRunId();

    /// <summary><c>WANDB_NAME</c>: the display name.</summary>
    public string? DisplayName { get; init; }

    /// <summary><c>WANDB_RUN_GROUP</c>.</summary>
    public string? Group { get; init; }

    /// <summary><c>WANDB_TAGS</c>: a comma-separated list.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary><c>WANDB_JOB_TYPE</c>, e.g. train or eval.</summary>
    public string? JobType { get; init; }

    /// <summary><c>WANDB_NOTES</c>.</summary>
    public string? Notes { get; init; }

    /// <summary>
    /// <c>WANDB_FINISH_TIMEOUT</c> (seconds): how long the end of a run may wait for the server; null for the tracker's
    /// default (<see cref="WandbTrackerOptions.FinishTimeout"/>).
    /// </summary>
    public TimeSpan? FinishTimeout { get; init; }

    /// <summary>
    /// Reads the variables through <paramref name="variable"/> (the process environment by default). Non-empty
    /// <paramref name="filing"/> values (an experiment's `Tracker.*` settings) win over the variables, as arguments of
    /// <c>wandb.init</c> do; <paramref name="defaultProject"/> is the project when neither names one.
    /// </summary>
    public static WandbSettings FromEnvironment(Func<string, string?>? variable = null, TrackingSettings? filing = null, string? defaultProject = null)
    {
        variable ??= Environment.GetEnvironmentVariable;
        string? Get(string name) => variable(name) is { Length: > 0 } value ? value.Trim() : null;
        static string? Given(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        return new WandbSettings
        {
            ApiKey = Get("WANDB_API_KEY"),
            BaseUrl = (Get("WANDB_BASE_URL") ?? DefaultBaseUrl).TrimEnd('/'),
            Entity = Get("WANDB_ENTITY"),
            Project = Given(filing?.Project) ?? Get("WANDB_PROJECT") ?? Given(defaultProject) ?? DefaultProject,
            Mode = ParseMode(Get("WANDB_MODE")),
            RunId = Get("WANDB_RUN_ID") ?? NewRunId(),
            DisplayName = Given(filing?.Name) ?? Get("WANDB_NAME"),
            Group = Given(filing?.Group) ?? Get("WANDB_RUN_GROUP"),
            Tags = (Given(filing?.Tags) ?? Get("WANDB_TAGS"))?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [],
            JobType = Given(filing?.JobType) ?? Get("WANDB_JOB_TYPE"),
            Notes = Get("WANDB_NOTES"),
            FinishTimeout = ParseFinishTimeout(Get("WANDB_FINISH_TIMEOUT")),
        };
    }

    /// <summary>Parses <c>WANDB_FINISH_TIMEOUT</c>: seconds, a finite number > 0; an unusable value is an error, not an unbounded wait.</summary>
    public static TimeSpan? ParseFinishTimeout(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            && seconds > 0 && seconds <= TimeSpan.MaxValue.TotalSeconds / 2)
            return TimeSpan.FromSeconds(seconds);
        throw new ArgumentException($"WANDB_FINISH_TIMEOUT must be a number of seconds > 0 (e.g. 30), not '{text}'");
    }

    /// <summary>Parses <c>WANDB_MODE</c>; an unknown value is an error rather than a silent online run.</summary>
    public static WandbMode ParseMode(string? text) => text?.ToLowerInvariant() switch
    {
        null or "" or "online" or "run" => WandbMode.Online,
        "offline" or "dryrun" => WandbMode.Offline,
        "disabled" => WandbMode.Disabled,
        _ => throw new ArgumentException($"WANDB_MODE must be online, offline or disabled, not '{text}'"),
    };

    /// <summary>A new run id like the official client's: 8 characters from [a-z0-9].</summary>
    public static string NewRunId()
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        return string.Create(8, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        });
    }

    /// <summary>Everything but the key, which shows only as set or not.</summary>
    public override string ToString() =>
        $"W&B {Mode} {BaseUrl} {Entity ?? "(default entity)"}/{Project}/{RunId} (api key {(ApiKey is null ? "not set" : "set")})";
}
