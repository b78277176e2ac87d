using System.Globalization;

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

    /// <summary>The 1, 5 and 15-minute load averages and the core count, printed next to every timing.</summary>
    public static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() + $" (on {Environment.ProcessorCount} cores)" : "unavailable";

    /// <summary>VmRSS (resident now) and VmHWM (the peak resident so far) of this process in KiB, from /proc/self/status.</summary>
    public static (long Rss, long Peak) MemoryStatus()
    {
        long Field(string[] lines, string name) =>
            long.Parse(lines.First(l => l.StartsWith(name, StringComparison.Ordinal))[name.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        var status = File.ReadAllLines("/proc/self/status");
        return (Field(status, "VmRSS:"), Field(status, "VmHWM:"));
    }
}
