using System.Text.Json;

namespace Research.Framework.Tracking;

/// <summary>
/// Writes <c>metrics.jsonl</c> (one JSON object per Log call, in W&amp;B's history format with <c>_step</c>,
/// <c>_runtime</c> and <c>_timestamp</c>, flushed line by line so a crash loses nothing logged),
/// <c>media/&lt;key&gt;_&lt;step&gt;.png</c> and <c>summary.json</c> in a run directory.
/// </summary>
public sealed class JsonlTracker : ITracker, IDisposable
{
    readonly string directory;
    readonly StreamWriter history;
    readonly Dictionary<string, double> summary = [];
    readonly DateTimeOffset started = DateTimeOffset.UtcNow;
    readonly Lock gate = new();

    /// <summary>Opens (appends to) the files in <paramref name="runDirectory"/>; a resumed run continues its history.</summary>
    public JsonlTracker(string runDirectory)
    {
        directory = runDirectory;
        Directory.CreateDirectory(runDirectory);
        history = new StreamWriter(new FileStream(MetricsPath, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
        if (File.Exists(SummaryPath))
            foreach (var (key, value) in JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(SummaryPath)) ?? [])
                summary[key] = value;
    }

    /// <summary>The history file.</summary>
    public string MetricsPath => new RunLayout(directory).Metrics;

    /// <summary>The summary file.</summary>
    public string SummaryPath => new RunLayout(directory).Summary;

    /// <inheritdoc />
    public void Log(IReadOnlyDictionary<string, double> metrics, long step)
    {
        var line = HistoryLine.Create(metrics, step, started, DateTimeOffset.UtcNow);
        lock (gate) history.WriteLine(line);
    }

    /// <inheritdoc />
    public void LogImage(string key, byte[] png, long step)
    {
        var media = new RunLayout(directory).Media;
        Directory.CreateDirectory(media);
                File.WriteAllBytes(Path.Combine(media, RunLayout.MediaFileName(key, step)), png);
    }

    /// <inheritdoc />
    public void SetSummary(string key, double value)
    {
        lock (gate)
        {
            summary[key] = value;
            WriteSummary();
        }
    }

    /// <inheritdoc />
    public void Finish(int exitCode)
    {
        lock (gate)
        {
            summary["_exit_code"] = exitCode;
            WriteSummary();
            history.Flush();
        }
    }

    /// <inheritdoc />
    public void Dispose() => history.Dispose();

    void WriteSummary()
    {
        var temporary = SummaryPath + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(summary, HistoryLine.JsonOptions));
        File.Move(temporary, SummaryPath, overwrite: true);
    }
}
