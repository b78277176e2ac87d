namespace Research.Framework.Tracking.RunIndex;

/// <summary>
/// A trial of a sweep card that has no run folder of its own (a point of an evaluation sweep): its number, the settings
/// it tried, its objective value (null when it gave none) and the run it belongs to (the trained run it evaluated).
/// </summary>
public sealed record StoredTrial(int Number, IReadOnlyDictionary<string, string> Parameters, double? Value, string? RunId);
