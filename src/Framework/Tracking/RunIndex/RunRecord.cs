namespace Research.Framework.Tracking.RunIndex;

/// <summary>
/// What a writer tells the <see cref="RunStore"/> when a run starts: its id, experiment, display name, folder
/// (relative to the runs folder, '/'-separated), config JSON and sweep.
/// </summary>
public sealed record RunRecord(string Id, string Experiment, string Name, string? RunDirectory, string? ConfigJson, string? SweepId, DateTimeOffset Started);
