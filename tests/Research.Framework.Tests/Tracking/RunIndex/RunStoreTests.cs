using Microsoft.Data.Sqlite;
using Research.Framework.Tracking;
using Research.Framework.Tracking.RunIndex;
using Xunit;

namespace Research.Framework.Tests.Tracking.RunIndex;

public sealed class RunStoreTests : IDisposable
{
    readonly string runs = Directory.CreateTempSubdirectory("runstore-").FullName;

    public void Dispose() => Directory.Delete(runs, recursive: true);

    string Database => Path.Combine(runs, RunStore.FileName);

    static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    static RunRecord Run(string id, string experiment = "exp", int minutes = 0, string? sweep = null, string? name = null) =>
        new(id, experiment, name ?? id, $"{experiment}/{id}", $$"""{"experiment":"{{experiment}}","run_id":"{{id}}","lr":0.001}""", sweep, T0.AddMinutes(minutes));

    List<(string Name, string Sql)> Schema()
    {
        using var connection = new SqliteConnection($"Data Source={Database};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name;";
        using var reader = command.ExecuteReader();
        var rows = new List<(string, string)>();
        while (reader.Read()) rows.Add((reader.GetString(0), reader.GetString(1)));
        return rows;
    }

    [Fact]
    public void CreatesTheVersionedSchemaInWalModeUnderTheRunsFolder()
    {
        using (var store = RunStore.Open(runs))
        {
            Assert.Equal(Database, store.DatabasePath);
            Assert.Equal("wal", store.JournalMode());
            Assert.Equal(RunStore.SchemaVersion, store.Version);
            Assert.Equal("ok", store.IntegrityCheck());
            store.StartRun(Run("a"));
        }
        var names = Schema().Select(row => row.Name).ToList();
        foreach (var table in new[] { "schema_version", "runs", "metrics", "summary", "sweeps" })
            Assert.Contains(table, names);
        // The metric series lookup (run, key, step) is the table's own primary-key order.
        Assert.Contains("PRIMARY KEY (run_id, key, step)", Schema().Single(row => row.Name == "metrics").Sql);

        using var reopened = RunStore.Open(runs); // no second migration, data kept
        Assert.Equal(RunStore.SchemaVersion, reopened.Version);
        Assert.NotNull(reopened.GetRun("a"));
    }

    [Fact]
    public void AVersionOneIndexMigratesToTheStoppedStatusKeepingEveryRowAndMetric()
    {
        // The schema as version 1 shipped it (status without 'stopped'), with a stopped run recorded as failed/130.
        using (var connection = new SqliteConnection($"Data Source={Database};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                PRAGMA foreign_keys = ON;
                CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (1);
                CREATE TABLE sweeps (id TEXT PRIMARY KEY, name TEXT NOT NULL, config TEXT, created REAL NOT NULL);
                CREATE TABLE runs (id TEXT PRIMARY KEY, experiment TEXT NOT NULL, name TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed', 'crashed')), started REAL, finished REAL,
                    exit_code INTEGER, run_dir TEXT, config TEXT, sweep_id TEXT, heartbeat REAL);
                CREATE TABLE metrics (run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE, key TEXT NOT NULL, step INTEGER NOT NULL,
                    value REAL, PRIMARY KEY (run_id, key, step)) WITHOUT ROWID;
                CREATE TABLE summary (run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE, key TEXT NOT NULL, value REAL,
                    PRIMARY KEY (run_id, key)) WITHOUT ROWID;
                INSERT INTO runs (id, experiment, name, status, exit_code) VALUES ('stopped', 'e', 'a', 'failed', 130), ('broken', 'e', 'b', 'failed', 1);
                INSERT INTO metrics VALUES ('stopped', 'train/loss', 10, 0.5), ('broken', 'train/loss', 10, 0.7);
                INSERT INTO summary VALUES ('stopped', 'train/loss', 0.5);
                """;
            command.ExecuteNonQuery();
        }

        using var store = RunStore.Open(runs);

        Assert.Equal(RunStore.SchemaVersion, store.Version);
        Assert.Equal((RunStatus.Stopped, RunStatus.Failed), (store.GetRun("stopped")!.Status, store.GetRun("broken")!.Status));
        Assert.Equal(0.5, store.MetricSeries("stopped", "train/loss").Single().Value);   // the rebuild did not cascade into the metrics
        Assert.Equal(0.7, store.MetricSeries("broken", "train/loss").Single().Value);
        Assert.Equal(0.5, store.GetRun("stopped")!.Summary["train/loss"]);
        Assert.Equal("ok", store.IntegrityCheck());
        store.StartRun(Run("new"));
        store.FinishRun("new", RunStatuses.StoppedExitCode);
        Assert.Equal(RunStatus.Stopped, store.GetRun("new")!.Status);
        Assert.Equal(["new"], store.ListRuns(new RunQuery { Status = RunStatus.Stopped }).Select(r => r.Id).Where(id => id == "new"));
    }

    [Fact]
    public void RefusesADatabaseFromANewerSchema()
    {
        using (RunStore.Open(runs)) { }
        using (var connection = new SqliteConnection($"Data Source={Database};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE schema_version SET version = 99;";
            command.ExecuteNonQuery();
        }
        var error = Assert.Throws<InvalidOperationException>(() => RunStore.Open(runs));
        Assert.Contains("99", error.Message);
    }

    [Fact]
    public void RoundTripsARunsConfigMetricsSummaryAndStatus()
    {
        using var store = RunStore.Open(runs);
        var record = Run("r1", sweep: "s1");
        using (var tracker = new RunStoreTracker(store, record, new RunStoreTrackerOptions { FlushRows = 3 }))
        {
            Assert.Equal(RunStatus.Running, store.GetRun("r1")!.Status);
            for (var step = 0; step < 10; step++)
                tracker.Log(new Dictionary<string, double> { ["loss"] = 1.0 / (step + 1), ["lr"] = 0.1, ["_runtime"] = 5 }, step);
            tracker.Log(new Dictionary<string, double> { ["loss"] = double.NaN, ["grad_norm"] = double.PositiveInfinity }, 10);
            tracker.LogImage("samples", [1, 2, 3], 10); // images stay in the folder
            tracker.SetSummary("loss", 0.1);
            tracker.SetSummary("eval/sliced_wasserstein", 0.02);
            tracker.Finish(0);
        }

        var run = store.GetRun("r1")!;
        Assert.Equal(("r1", "exp", "r1", "exp/r1", "s1"), (run.Id, run.Experiment, run.Name, run.RunDirectory, run.SweepId));
        Assert.Equal(record.ConfigJson, run.ConfigJson);
        Assert.Equal(T0, run.Started);
        Assert.Equal((RunStatus.Finished, 0), (run.Status, run.ExitCode));
        Assert.NotNull(run.Finished);
        Assert.Equal(new Dictionary<string, double> { ["eval/sliced_wasserstein"] = 0.02, ["loss"] = 0.1 }, run.Summary);

        var loss = store.MetricSeries("r1", "loss");
        Assert.Equal(Enumerable.Range(0, 11).Select(i => (long)i), loss.Select(p => p.Step));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => 1.0 / (i + 1)), loss.Take(10).Select(p => p.Value));
        Assert.True(double.IsNaN(loss[10].Value));
        Assert.Equal([new MetricPoint(10, double.PositiveInfinity)], store.MetricSeries("r1", "grad_norm"));
        Assert.Equal(["grad_norm", "loss", "lr"], store.MetricKeys(["r1"])); // '_runtime' is W&B's, not a metric
        Assert.Equal(2, store.MetricSeries("r1", "loss", afterStep: 8).Count);

        // A value logged again at the same step replaces the old one; a resumed run is running again and keeps its history.
        store.AddMetrics("r1", [("loss", 3, 42.0)]);
        Assert.Equal(42.0, store.MetricSeries("r1", "loss")[3].Value);
        store.StartRun(record with { Started = T0.AddHours(1) });
        run = store.GetRun("r1")!;
        Assert.Equal((RunStatus.Running, null, null, T0), (run.Status, run.ExitCode, run.Finished, run.Started));
        Assert.Equal(11, store.MetricSeries("r1", "loss").Count);
        store.FinishRun("r1", 1);
        Assert.Equal((RunStatus.Failed, 1), (store.GetRun("r1")!.Status, store.GetRun("r1")!.ExitCode));
        Assert.Null(store.GetRun("missing"));
        Assert.Empty(store.MetricSeries("missing", "loss"));
    }

    [Fact]
    public void ListsFiltersAndSortsRunsAndServesSeriesOfSeveralRuns()
    {
        using var store = RunStore.Open(runs);
        store.StartRun(Run("a1", "alpha", 0, "sw", name: "zeta"));
        store.StartRun(Run("a2", "alpha", 1, "sw", name: "eta"));
        store.StartRun(Run("b1", "beta", 2, name: "theta"));
        store.StartRun(Run("b2", "beta", 3, name: "iota"));
        store.SetSummary("a1", new Dictionary<string, double> { ["loss"] = 0.3 });
        store.SetSummary("a2", new Dictionary<string, double> { ["loss"] = 0.1 });
        store.SetSummary("b1", new Dictionary<string, double> { ["loss"] = 0.2 });
        store.AddMetrics("a1", [("loss", 0, 1.0), ("loss", 1, 0.5), ("acc", 1, 0.7)]);
        store.AddMetrics("a2", [("loss", 0, 2.0)]);
        store.AddMetrics("b1", [("fid", 0, 9.0)]);
        store.FinishRun("a1", 0);
        store.FinishRun("b1", 1);
        store.UpsertSweep("sw", "lr sweep", """{"metric":"loss"}""");
        store.UpsertSweep("sw", "lr sweep 2", """{"metric":"loss"}""");

        static string[] Ids(IEnumerable<StoredRun> list) => [.. list.Select(run => run.Id)];
        Assert.Equal(["b2", "b1", "a2", "a1"], Ids(store.ListRuns()));
        Assert.Equal(["a1", "a2", "b1", "b2"], Ids(store.ListRuns(new RunQuery { Descending = false })));
        Assert.Equal(["a2", "a1"], Ids(store.ListRuns(new RunQuery { Experiment = "alpha" })));
        Assert.Equal(["a2", "b2"], Ids(store.ListRuns(new RunQuery { Status = RunStatus.Running, Descending = false })));
        Assert.Equal(["b1"], Ids(store.ListRuns(new RunQuery { Status = RunStatus.Failed })));
        Assert.Equal(["a2", "a1"], Ids(store.ListRuns(new RunQuery { SweepId = "sw" })));
        Assert.Equal(["a2", "b1", "a1", "b2"], Ids(store.ListRuns(new RunQuery { OrderBy = RunOrder.Summary, SummaryKey = "loss", Descending = false })));
        Assert.Equal(["a1", "b1", "a2", "b2"], Ids(store.ListRuns(new RunQuery { OrderBy = RunOrder.Summary, SummaryKey = "loss" })));
        Assert.Equal(["a2", "b2", "b1", "a1"], Ids(store.ListRuns(new RunQuery { OrderBy = RunOrder.Name, Descending = false })));
        Assert.Equal(["a1", "b1", "a2", "b2"], Ids(store.ListRuns(new RunQuery { OrderBy = RunOrder.Finished, Descending = false })));
        Assert.Equal(["b2", "b1"], Ids(store.ListRuns(new RunQuery { Limit = 2 })));
        Assert.Throws<ArgumentException>(() => store.ListRuns(new RunQuery { OrderBy = RunOrder.Summary }));
        Assert.Equal(0.3, store.ListRuns(new RunQuery { Experiment = "alpha" }).Single(run => run.Id == "a1").Summary["loss"]);

        var series = store.MetricSeries(["a1", "a2", "b1"], "loss");
        Assert.Equal([new MetricPoint(0, 1.0), new MetricPoint(1, 0.5)], series["a1"]);
        Assert.Equal([new MetricPoint(0, 2.0)], series["a2"]);
        Assert.Empty(series["b1"]);
        Assert.Equal(["acc", "fid", "loss"], store.MetricKeys());
        Assert.Equal(["acc", "loss"], store.MetricKeys(["a1", "a2"]));
        Assert.Equal([("sw", "lr sweep 2")], store.ListSweeps().Select(s => (s.Id, s.Name)));

        Assert.Equal(0, store.MarkCrashed(TimeSpan.FromHours(1)));
        Assert.Equal(2, store.MarkCrashed(TimeSpan.FromSeconds(-1))); // a limit later than every heartbeat: both running runs
        Assert.Equal(["a2", "b2"], Ids(store.ListRuns(new RunQuery { Status = RunStatus.Crashed, Descending = false })));
    }

    [Fact]
    public void ARunMarkedCrashedThatWritesAgainIsRunningAndAFinishedRunStaysFinished()
    {
        using var store = RunStore.Open(runs);
        store.StartRun(Run("quiet"));
        store.StartRun(Run("done"));
        store.FinishRun("done", 0);
        Assert.Equal(1, store.MarkCrashed(TimeSpan.FromSeconds(-1)));
        Assert.Equal(RunStatus.Crashed, store.GetRun("quiet")!.Status);

        store.AddMetrics("quiet", [("loss", 7, 0.5)]);
        store.SetSummary("done", new Dictionary<string, double> { ["late"] = 1 });

        Assert.Equal(RunStatus.Running, store.GetRun("quiet")!.Status);
        Assert.Equal(RunStatus.Finished, store.GetRun("done")!.Status);
    }
}
