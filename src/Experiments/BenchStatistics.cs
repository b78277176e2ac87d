namespace Research.Experiments;

/// <summary>Robust summaries for the bench commands: medians resist the outliers a shared machine produces.</summary>
public static class BenchStatistics
{
    /// <summary>The median (the mean of the two middle values for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) throw new ArgumentException("The median of no values is undefined.", nameof(values));
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The load average from /proc/loadavg and the core count, printed beside every timing (other work skews it).</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() + $" (on {Environment.ProcessorCount} cores)" : "unavailable";
}
