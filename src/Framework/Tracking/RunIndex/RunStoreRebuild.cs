using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Research.Framework.Tracking.RunIndex;

/// <summary>Regenerating the index from the run folders, and the mapping from a folder to its index row.</summary>
public sealed partial class RunStore
{
    /// <summary>
    /// Re-indexes every run folder under <paramref name="runsFolder"/> (<c>&lt;experiment&gt;/&lt;run-id&gt;/config.json</c>)
    /// from its files, config.json, metrics.jsonl and summary.json, and drops index rows whose folder is gone, so the
    /// index can always be regenerated (and running it twice changes nothing). A folder without an exit code in its
    /// summary is running when its files changed within <paramref name="staleAfter"/> (10 minutes by default) and
    /// crashed otherwise. Returns how many runs were indexed. The sweep command's cards have no folder and are kept;
    /// evaluation sweeps are re-filed from their records in the run folders (<see cref="EvalSweepCard"/>).
    /// </summary>
    public static int Rebuild(string runsFolder, TimeSpan? staleAfter = null)
    {
        using var store = Open(runsFolder);
        return store.RebuildFrom(runsFolder, staleAfter ?? TimeSpan.FromMinutes(10));
    }

    /// <summary>
    /// Opens the index of <paramref name="runsFolder"/> for a reader that must not fail on it (the dashboard): a missing
    /// index is rebuilt from the run folders; an empty one (zero bytes: a lost index, not an empty list of runs) or one
    /// SQLite cannot read (not a database, malformed, failing its integrity check) is moved aside to
    /// <c>runs.db.damaged-&lt;UTC time&gt;</c> with a warning and rebuilt, since the run folders are the record of truth.
    /// </summary>
    public static RunStore OpenOrRebuild(string runsFolder, Action<string> warn, TimeSpan? staleAfter = null)
    {
        var path = RunLayout.IndexPath(runsFolder);
        if (!File.Exists(path))
        {
            if (Directory.Exists(runsFolder)) Rebuild(runsFolder, staleAfter);
            return Open(runsFolder);
        }
        var damage = new FileInfo(path).Length == 0 ? "is empty" : Unreadable(path);
        if (damage is null) return Open(runsFolder);
        var aside = SqliteFiles.MoveAside(path);
        warn($"run index: {path} {damage}; moved it to {aside} and rebuilt it from the run folders");
        Rebuild(runsFolder, staleAfter);
        return Open(runsFolder);
    }

    /// <summary>Why SQLite cannot use the index at <paramref name="path"/>, or null when it passes a quick integrity check.</summary>
    static string? Unreadable(string path)
    {
        try
        {
            using var store = new RunStore(path);
            using var check = store.Command("");
            return SqliteFiles.QuickCheck(check);
        }
        catch (SqliteException error)
        {
            return $"cannot be read ({error.Message})";
        }
    }

    int RebuildFrom(string runsFolder, TimeSpan staleAfter)
    {
        var folders = RunLayout.RunsUnder(runsFolder).Select(run => run.Directory).ToList();
        var indexed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            var run = ReadFolder(runsFolder, folder, staleAfter);
            if (!indexed.Add(run.Record.Id)) continue; // the same run id twice: the first folder wins
            Write(transaction => ReplaceRun(run, transaction));
        }
        Write(transaction =>
        {
            using var list = Command("SELECT id FROM runs;", transaction);
            foreach (var orphan in Rows(list, reader => reader.GetString(0)).Where(id => !indexed.Contains(id)))
            {
                using var delete = Command("DELETE FROM runs WHERE id = $id;", transaction);
                delete.Parameters.AddWithValue("$id", orphan);
                delete.ExecuteNonQuery();
            }
        });
        RebuildEvalSweeps(runsFolder, folders);
        return indexed.Count;
    }

    /// <summary>The index row of a run folder <paramref name="runDirectory"/> under <paramref name="runsFolder"/> with config <paramref name="configJson"/>.</summary>
    public static RunRecord DescribeRun(string runsFolder, string runDirectory, string? configJson, DateTimeOffset started)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(runDirectory));
        JsonObject? config = null;
        try
        {
            config = configJson is null ? null : JsonNode.Parse(configJson) as JsonObject;
        }
        catch (JsonException)
        {
            // an unreadable config still gets a row, named after its folder
        }
        var id = Text(config, "run_id") ?? Path.GetFileName(full);
        var experiment = Text(config, "experiment") ?? Path.GetFileName(Path.GetDirectoryName(full)) ?? "";
        var relative = Path.GetRelativePath(Path.GetFullPath(runsFolder), full).Replace(Path.DirectorySeparatorChar, '/');
        return new RunRecord(id, experiment, Text(config, "name") ?? id, relative, configJson, Text(config, "sweep_id"), started);
    }

    static string? Text(JsonObject? config, string name) =>
        config?[name] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;

    sealed record FolderRun(RunRecord Record, List<(string Key, long Step, double Value)> Metrics, Dictionary<string, double> Summary,
        RunStatus Status, int? ExitCode, DateTimeOffset? Finished);

    static FolderRun ReadFolder(string runsFolder, string folder, TimeSpan staleAfter)
    {
        var layout = new RunLayout(folder);
        var (configPath, metricsPath, summaryPath) = (layout.Config, layout.Metrics, layout.Summary);
        var metrics = new List<(string Key, long Step, double Value)>();
        DateTimeOffset? started = null;
        if (File.Exists(metricsPath))
        {
            using var stream = new FileStream(metricsPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (ParseHistoryLine(line) is not { } parsed) continue; // a line cut short by a crash
                started ??= parsed.Started;
                metrics.AddRange(parsed.Values.Select(kv => (kv.Key, parsed.Step, kv.Value)));
            }
        }
        var summary = new Dictionary<string, double>();
        if (File.Exists(summaryPath))
        {
            try
            {
                summary = JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(summaryPath), HistoryLine.JsonOptions) ?? [];
            }
            catch (JsonException)
            {
                // a torn summary: index the rest
            }
        }
        int? exitCode = summary.Remove("_exit_code", out var code) ? (int)code : null;
        var lastWrite = new[] { configPath, metricsPath, summaryPath }.Where(File.Exists).Max(File.GetLastWriteTimeUtc);
        var status = exitCode is { } ended ? RunStatuses.Of(ended)
            : DateTime.UtcNow - lastWrite < staleAfter ? RunStatus.Running : RunStatus.Crashed;
        var record = DescribeRun(runsFolder, folder, File.ReadAllText(configPath), started ?? new DateTimeOffset(File.GetLastWriteTimeUtc(configPath)));
        return new FolderRun(record, metrics, summary, status, exitCode, exitCode is null ? null : new DateTimeOffset(File.GetLastWriteTimeUtc(summaryPath)));
    }

    /// <summary>The numeric user keys of one history line, its step and the run's start (<c>_timestamp - _runtime</c>); null if unreadable.</summary>
    internal static (long Step, DateTimeOffset? Started, List<KeyValuePair<string, double>> Values)? ParseHistoryLine(string line)
    {
        JsonObject? row;
        try
        {
            row = JsonNode.Parse(line) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
        if (row?["_step"] is not JsonValue stepValue || !stepValue.TryGetValue<long>(out var step)) return null;
        DateTimeOffset? started = Number(row["_timestamp"]) is { } timestamp && Number(row["_runtime"]) is { } runtime
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round((timestamp - runtime) * 1000))
            : null;
        var values = new List<KeyValuePair<string, double>>();
        foreach (var (key, node) in row)
            if (!IsReserved(key) && Number(node) is { } number)
                values.Add(KeyValuePair.Create(key, number));
        return (step, started, values);
    }

    /// <summary>W&amp;B's own history keys (<c>_step</c>, <c>_runtime</c>, <c>_timestamp</c>, ...), which are not metrics.</summary>
    internal static bool IsReserved(string key) => key.StartsWith('_');

    /// <summary>A JSON number, or one of the named literals NaN/Infinity/-Infinity written as strings.</summary>
    static double? Number(JsonNode? node)
    {
        if (node is not JsonValue value) return null;
        if (value.TryGetValue<double>(out var number)) return number;
        if (value.TryGetValue<string>(out var text) && text is "NaN" or "Infinity" or "-Infinity")
            return double.Parse(text, CultureInfo.InvariantCulture);
        return null;
    }

    void ReplaceRun(FolderRun run, SqliteTransaction transaction)
    {
        using (var delete = Command("DELETE FROM runs WHERE id = $id;", transaction))
        {
            delete.Parameters.AddWithValue("$id", run.Record.Id);
            delete.ExecuteNonQuery(); // cascades to its metrics and summary
        }
        using (var insert = Command("""
            INSERT INTO runs (id, experiment, name, status, started, finished, exit_code, run_dir, config, sweep_id, heartbeat)
            VALUES ($id, $experiment, $name, $status, $started, $finished, $exit_code, $run_dir, $config, $sweep_id, $heartbeat);
            """, transaction))
        {
            var record = run.Record;
            insert.Parameters.AddWithValue("$id", record.Id);
            insert.Parameters.AddWithValue("$experiment", record.Experiment);
            insert.Parameters.AddWithValue("$name", record.Name);
            insert.Parameters.AddWithValue("$status", StatusName(run.Status));
            insert.Parameters.AddWithValue("$started", Seconds(record.Started));
            insert.Parameters.AddWithValue("$finished", run.Finished is { } finished ? Seconds(finished) : DBNull.Value);
            insert.Parameters.AddWithValue("$exit_code", (object?)run.ExitCode ?? DBNull.Value);
            insert.Parameters.AddWithValue("$run_dir", (object?)record.RunDirectory ?? DBNull.Value);
            insert.Parameters.AddWithValue("$config", (object?)record.ConfigJson ?? DBNull.Value);
            insert.Parameters.AddWithValue("$sweep_id", (object?)record.SweepId ?? DBNull.Value);
            insert.Parameters.AddWithValue("$heartbeat", run.Finished is { } end ? Seconds(end) : DBNull.Value);
            insert.ExecuteNonQuery();
        }
        InsertMetrics(run.Record.Id, run.Metrics, transaction);
        InsertSummary(run.Record.Id, run.Summary, transaction);
    }
}
