namespace Research.Framework.Tracking.RunIndex;

/// <summary>A run as the <see cref="RunStore"/> holds it, with its config JSON and summary values.</summary>
public sealed record StoredRun(
    string Id,
    string Experiment,
    string Name,
    RunStatus Status,
    DateTimeOffset? Started,
    DateTimeOffset? Finished,
    int? ExitCode,
    string? RunDirectory,
    string? ConfigJson,
    string? SweepId,
    DateTimeOffset? Heartbeat,
    IReadOnlyDictionary<string, double> Summary);
