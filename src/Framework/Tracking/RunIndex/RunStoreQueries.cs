using Microsoft.Data.Sqlite;

namespace Research.Framework.Tracking.RunIndex;

/// <summary>The reads a dashboard needs: runs (filtered, sorted), one run, metric series and keys, sweeps.</summary>
public sealed partial class RunStore
{
    const string RunColumns = "r.id, r.experiment, r.name, r.status, r.started, r.finished, r.exit_code, r.run_dir, r.config, r.sweep_id, r.heartbeat";

    /// <summary>The runs matching <paramref name="query"/> (all, newest first, by default), each with its config and summary.</summary>
    public IReadOnlyList<StoredRun> ListRuns(RunQuery? query = null)
    {
        query ??= new RunQuery();
        if (query.OrderBy == RunOrder.Summary && query.SummaryKey is null)
            throw new ArgumentException("Sorting by a summary value needs RunQuery.SummaryKey.", nameof(query));
        var direction = query.Descending ? "DESC" : "ASC";
        // Runs without the sort value go last whichever the direction.
        var order = query.OrderBy switch
        {
            RunOrder.Started => $"r.started IS NULL, r.started {direction}",
            RunOrder.Finished => $"r.finished IS NULL, r.finished {direction}",
            RunOrder.Experiment => $"r.experiment {direction}, r.started {direction}",
            RunOrder.Name => $"r.name {direction}",
            RunOrder.Status => $"r.status {direction}",
            RunOrder.Summary => $"s.value IS NULL, s.value {direction}",
            _ => throw new ArgumentOutOfRangeException(nameof(query), query.OrderBy, "unknown order"),
        };
        lock (gate)
        {
            using var command = Command($"""
                SELECT {RunColumns} FROM runs r
                LEFT JOIN summary s ON s.run_id = r.id AND s.key = $summary_key
                WHERE ($experiment IS NULL OR r.experiment = $experiment)
                  AND ($status IS NULL OR r.status = $status)
                  AND ($sweep IS NULL OR r.sweep_id = $sweep)
                ORDER BY {order}, r.id {direction}
                LIMIT $limit;
                """);
            command.Parameters.AddWithValue("$summary_key", (object?)query.SummaryKey ?? DBNull.Value);
            command.Parameters.AddWithValue("$experiment", (object?)query.Experiment ?? DBNull.Value);
            command.Parameters.AddWithValue("$status", query.Status is { } status ? StatusName(status) : DBNull.Value);
            command.Parameters.AddWithValue("$sweep", (object?)query.SweepId ?? DBNull.Value);
            command.Parameters.AddWithValue("$limit", query.Limit ?? -1);
            var runs = Rows(command, ReadRun);
            var summaries = Summaries(runs.Select(run => run.Id));
            return [.. runs.Select(run => run with { Summary = summaries[run.Id] })];
        }
    }

    /// <summary>One run with its config and summary, or null.</summary>
    public StoredRun? GetRun(string id)
    {
        lock (gate)
        {
            using var command = Command($"SELECT {RunColumns} FROM runs r WHERE r.id = $id;");
            command.Parameters.AddWithValue("$id", id);
            var run = Rows(command, ReadRun).SingleOrDefault();
            return run is null ? null : run with { Summary = Summaries([id])[id] };
        }
    }

    /// <summary>The values of <paramref name="key"/> in a run, by step (after <paramref name="afterStep"/>, for live polling).</summary>
    public IReadOnlyList<MetricPoint> MetricSeries(string runId, string key, long afterStep = long.MinValue) =>
        MetricSeries([runId], key, afterStep).GetValueOrDefault(runId) ?? [];

    /// <summary>The values of <paramref name="key"/> in several runs (to overlay them), by run and step.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<MetricPoint>> MetricSeries(IEnumerable<string> runIds, string key, long afterStep = long.MinValue)
    {
        var series = new Dictionary<string, IReadOnlyList<MetricPoint>>();
        lock (gate)
        {
            using var command = Command("SELECT step, value FROM metrics WHERE run_id = $run AND key = $key AND step > $after ORDER BY step;");
            var run = command.Parameters.Add("$run", SqliteType.Text);
            command.Parameters.AddWithValue("$key", key);
            command.Parameters.AddWithValue("$after", afterStep);
            foreach (var id in runIds.Distinct())
            {
                run.Value = id;
                series[id] = Rows(command, reader => new MetricPoint(reader.GetInt64(0), reader.IsDBNull(1) ? double.NaN : reader.GetDouble(1)));
            }
        }
        return series;
    }

    /// <summary>The metric keys logged by the given runs (every run when null), sorted.</summary>
    public IReadOnlyList<string> MetricKeys(IEnumerable<string>? runIds = null)
    {
        lock (gate)
        {
            if (runIds is null)
            {
                using var all = Command("SELECT DISTINCT key FROM metrics ORDER BY key;");
                return Rows(all, reader => reader.GetString(0));
            }
            var keys = new SortedSet<string>(StringComparer.Ordinal);
            // One index range per run (the primary key starts with run_id, key) rather than a scan of every metric.
            using var command = Command("SELECT DISTINCT key FROM metrics WHERE run_id = $run;");
            var run = command.Parameters.Add("$run", SqliteType.Text);
            foreach (var id in runIds.Distinct())
            {
                run.Value = id;
                keys.UnionWith(Rows(command, reader => reader.GetString(0)));
            }
            return [.. keys];
        }
    }

    /// <summary>Every sweep, newest first.</summary>
    public IReadOnlyList<StoredSweep> ListSweeps()
    {
        lock (gate)
        {
            using var command = Command("SELECT id, name, config, created FROM sweeps ORDER BY created DESC, id;");
            return Rows(command, reader => new StoredSweep(reader.GetString(0), reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2), Time(reader.GetDouble(3))));
        }
    }

    /// <summary>Counts of the rows in each table (for checks and the dashboard's footer).</summary>
    public (long Runs, long Metrics, long Summary, long Sweeps) Counts()
    {
        lock (gate)
        {
            using var command = Command("SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM metrics), (SELECT count(*) FROM summary), (SELECT count(*) FROM sweeps);");
            return Rows(command, reader => (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3))).Single();
        }
    }

    Dictionary<string, IReadOnlyDictionary<string, double>> Summaries(IEnumerable<string> runIds)
    {
        var summaries = new Dictionary<string, IReadOnlyDictionary<string, double>>();
        using var command = Command("SELECT key, value FROM summary WHERE run_id = $run ORDER BY key;");
        var run = command.Parameters.Add("$run", SqliteType.Text);
        foreach (var id in runIds)
        {
            run.Value = id;
            summaries[id] = Rows(command, reader => KeyValuePair.Create(reader.GetString(0), reader.IsDBNull(1) ? double.NaN : reader.GetDouble(1)))
                .ToDictionary(kv => kv.Key, kv => kv.Value);
        }
        return summaries;
    }

    static StoredRun ReadRun(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        ParseStatus(reader.GetString(3)),
        reader.IsDBNull(4) ? null : Time(reader.GetDouble(4)),
        reader.IsDBNull(5) ? null : Time(reader.GetDouble(5)),
        reader.IsDBNull(6) ? null : reader.GetInt32(6),
        reader.IsDBNull(7) ? null : reader.GetString(7),
        reader.IsDBNull(8) ? null : reader.GetString(8),
        reader.IsDBNull(9) ? null : reader.GetString(9),
        reader.IsDBNull(10) ? null : Time(reader.GetDouble(10)),
        new Dictionary<string, double>());
}
