using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Research.Framework.Tracking;
using Research.Framework.Tracking.RunIndex;

namespace Research.Framework.Runs;

/// <summary>
/// Keeps a resumed run's metrics.jsonl (and its rows in the run index) exactly once: the rows after the checkpoint the run resumes from are cut (the
/// run logs them again), and so is the torn tail of a write the crash interrupted, so every (key, step) appears once
/// and <c>_step</c> never goes back.
/// </summary>
public static class RunHistory
{
    /// <summary>The history file's name in a run folder.</summary>
    public const string FileName = RunLayout.MetricsFileName;

    /// <summary>
    /// Rewrites <paramref name="runDirectory"/>'s metrics.jsonl to its complete rows with <c>_step</c> ≤
    /// <paramref name="step"/> whose step does not go back; returns how many rows were dropped.
    /// </summary>
    public static int TruncateAfter(string runDirectory, long step)
    {
        var path = Path.Combine(runDirectory, FileName);
        if (!File.Exists(path)) return 0;
        var text = File.ReadAllText(path);
        var complete = text[..(text.LastIndexOf('\n') + 1)];   // a line without its newline is a torn write
        var kept = new StringBuilder();
        int dropped = complete.Length < text.Length ? 1 : 0;
        long last = long.MinValue;
        foreach (var line in complete.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (StepOf(line) is { } at && at <= step && at >= last)
            {
                kept.Append(line).Append('\n');
                last = at;
            }
            else dropped++;
        }
        if (dropped > 0)
        {
            var temporary = path + ".tmp";
            File.WriteAllText(temporary, kept.ToString());
            File.Move(temporary, path, overwrite: true);
        }
        return dropped;
    }

    /// <summary>
    /// Cuts the run index's metric rows of the run in <paramref name="runDirectory"/> back to <paramref name="step"/>, as
    /// <see cref="TruncateAfter"/> cuts metrics.jsonl, so the dashboard shows one history. The index is the runs folder's
    /// runs.db (the run folder's grandparent); where there is none, or it cannot be used, nothing is done (it is rebuilt
    /// from the folders) and the reason is written to <paramref name="log"/>. Returns how many rows were dropped.
    /// </summary>
    public static int TruncateIndexAfter(string runDirectory, string configJson, long step, TextWriter log)
    {
        if (RunStore.IndexedRunsFolderOf(runDirectory) is not { } runsFolder) return 0;
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(runDirectory));
        try
        {
            using var index = RunStore.Open(runsFolder);
            return index.DeleteMetricsAfter(RunStore.DescribeRun(runsFolder, full, configJson, DateTimeOffset.UtcNow).Id, step);
        }
        catch (Exception error) when (error is SqliteException or IOException)
        {
            log.WriteLine($"tracking: could not cut the run index back to step {step} ({error.Message}); rebuild it from the run folders if it shows two histories");
            return 0;
        }
    }

    static long? StepOf(string line)
    {
        try
        {
            using var row = JsonDocument.Parse(line);
            return row.RootElement.ValueKind == JsonValueKind.Object && row.RootElement.TryGetProperty("_step", out var step)
                && step.TryGetInt64(out var value) ? value : null;
        }
        catch (JsonException)
        {
            return null;   // a garbled row (a crash mid-write) is not history
        }
    }
}
