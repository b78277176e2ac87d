namespace Research.Framework.Tracking.RunIndex;

/// <summary>A sweep in the <see cref="RunStore"/>: its id, name and config JSON (the search space and objective).</summary>
public sealed record StoredSweep(string Id, string Name, string? ConfigJson, DateTimeOffset Created);
