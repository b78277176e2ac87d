using Research.Framework.Tracking;
using Research.Framework.Tracking.RunIndex;
using Xunit;
using static System.FormattableString;

namespace Research.Framework.Tests.Tracking.RunIndex;

/// <summary>The index is derived data: rebuilding it from the run folders gives what the live writers wrote.</summary>
public sealed class RunStoreRebuildTests : IDisposable
{
    readonly string runs = Directory.CreateTempSubdirectory("runstore-rebuild-").FullName;

    public void Dispose() => Directory.Delete(runs, recursive: true);

    /// <summary>A run written the way ExperimentRunner does: config.json, then the sinks from the environment.</summary>
    string WriteRun(string experiment, string id, int? exitCode, string? sweep = null)
    {
        var folder = Path.Combine(runs, experiment, id);
        Directory.CreateDirectory(folder);
        var sweepField = sweep is null ? "" : $$""","sweep_id":"{{sweep}}" """;
        var config = $$"""{"experiment":"{{experiment}}","run_id":"{{id}}","config":{"lr":"0.001"}{{sweepField}}}""";
        File.WriteAllText(Path.Combine(folder, "config.json"), config);
        using var tracker = Trackers.FromEnvironment(folder, config, new TrackerOptions { Environment = _ => null, Warn = message => Assert.Fail(message) });
        Assert.Equal(["JsonlTracker", "RunStoreTracker"], tracker.Sinks.Select(sink => sink.GetType().Name));
        for (var step = 0; step < 25; step++)
            tracker.Log(new Dictionary<string, double> { ["loss"] = 1.0 / (step + 1) + id.Length, ["lr"] = 1e-3 * step }, step);
        tracker.Log(new Dictionary<string, double> { ["loss"] = double.NaN, ["grad_norm"] = double.PositiveInfinity }, 25);
        tracker.LogImage("samples", TestPng.Create(2, 2), 25);
        tracker.SetSummary("loss", 0.25);
        tracker.SetSummary("eval/sliced_wasserstein", 0.0123456789);
        if (exitCode is { } code) tracker.Finish(code);
        return folder;
    }

    /// <summary>Everything in the index except times (the live writer stamps its own clock; the folder has the JSONL's).</summary>
    static List<string> Dump(string runsFolder)
    {
        using var store = RunStore.Open(runsFolder);
        var lines = new List<string>();
        foreach (var run in store.ListRuns(new RunQuery { OrderBy = RunOrder.Name, Descending = false }))
        {
            Assert.NotNull(run.Started);
            Assert.Equal(run.Status is RunStatus.Finished or RunStatus.Failed or RunStatus.Stopped, run.Finished is not null);
            lines.Add($"run {run.Id} {run.Experiment} {run.Name} {run.Status} {run.ExitCode} {run.RunDirectory} {run.SweepId} {run.ConfigJson}");
            lines.AddRange(run.Summary.Select(kv => Invariant($"summary {run.Id} {kv.Key}={kv.Value:R}")));
            foreach (var key in store.MetricKeys([run.Id]))
                lines.AddRange(store.MetricSeries(run.Id, key).Select(point => Invariant($"metric {run.Id} {key} {point.Step}={point.Value:R}")));
        }
        lines.AddRange(store.ListSweeps().Select(sweep => $"sweep {sweep.Id} {sweep.Name} {sweep.ConfigJson}"));
        return lines;
    }

    void DeleteIndex()
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            File.Delete(Path.Combine(runs, RunStore.FileName + suffix));
    }

    [Fact]
    public void RebuildFromTheFoldersEqualsTheLiveIndexAndIsIdempotent()
    {
        WriteRun("sit-checkerboard", "20260101-000000-aaaaaa", 0, sweep: "sw1");
        WriteRun("sit-checkerboard", "20260101-000001-bbbbbb", 1);
        WriteRun("edm-moons", "20260101-000002-cccccc", exitCode: null); // still running
        var live = Dump(runs);
        Assert.Equal(3, live.Count(line => line.StartsWith("run ", StringComparison.Ordinal)));
        Assert.Contains(live, line => line.StartsWith("run 20260101-000002-cccccc edm-moons 20260101-000002-cccccc Running  edm-moons/20260101-000002-cccccc ", StringComparison.Ordinal));
        Assert.Contains(live, line => line.StartsWith("run 20260101-000001-bbbbbb sit-checkerboard 20260101-000001-bbbbbb Failed 1 ", StringComparison.Ordinal));
        Assert.Contains("metric 20260101-000000-aaaaaa loss 25=NaN", live);
        Assert.Contains("metric 20260101-000000-aaaaaa grad_norm 25=Infinity", live);

        Assert.Equal(3, RunStore.Rebuild(runs)); // over the live index
        Assert.Equal(live, Dump(runs));
        DeleteIndex();
        Assert.Equal(3, RunStore.Rebuild(runs)); // from nothing
        Assert.Equal(live, Dump(runs));
        RunStore.Rebuild(runs); // again
        Assert.Equal(live, Dump(runs));

        using (var store = RunStore.Open(runs)) Assert.Equal("ok", store.IntegrityCheck());
    }

    [Fact]
    public void RebuildMarksSilentUnfinishedRunsCrashedDropsRemovedFoldersAndSkipsTornLines()
    {
        var crashed = WriteRun("exp", "run-crashed", exitCode: null);
        var removed = WriteRun("exp", "run-removed", 0);
        File.AppendAllText(Path.Combine(crashed, "metrics.jsonl"), """{"loss": 0.5, "_st""");
        Directory.Delete(removed, recursive: true);
        Directory.CreateDirectory(Path.Combine(runs, "exp", "not-a-run")); // no config.json

        Assert.Equal(1, RunStore.Rebuild(runs, staleAfter: TimeSpan.Zero));
        using var store = RunStore.Open(runs);
        var run = Assert.Single(store.ListRuns());
        Assert.Equal(("run-crashed", RunStatus.Crashed, (int?)null), (run.Id, run.Status, run.ExitCode));
        Assert.Equal(26, store.MetricSeries("run-crashed", "loss").Count);
    }
}
