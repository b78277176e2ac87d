namespace Research.Framework.Tracking.RunIndex;

/// <summary>One value of a metric series (NaN where a NaN was logged: SQLite stores it as NULL).</summary>
public readonly record struct MetricPoint(long Step, double Value);
