using Research.Framework.Tracking;
using Research.Framework.Tracking.RunIndex;

namespace Research.Framework.Tests.Tracking.RunIndex;

/// <summary>
/// One writer of the run-store concurrency test, run on a thread or in a child process
/// (<c>dotnet Research.Framework.Tests.dll runstore-writer DB RUN-ID N [GO-FILE]</c>): it opens (creating and
/// migrating, if it is first) the index, says "ready", waits for GO-FILE, then logs N steps of two metrics in
/// small batches, registers the shared sweep, sets summaries and finishes.
/// </summary>
internal static class RunStoreWriter
{
    public const string Sweep = "sweep-concurrency";

    public static void Write(string database, string runId, int steps, string? goFile, TextWriter ready)
    {
        using var store = new RunStore(database);
        ready.WriteLine("ready");
        ready.Flush();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (goFile is not null && !File.Exists(goFile))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no go file '{goFile}'");
            Thread.Sleep(5);
        }
        var run = new RunRecord(runId, "concurrency", runId, null, $$"""{"writer":"{{runId}}"}""", Sweep, DateTimeOffset.UtcNow);
        using var tracker = new RunStoreTracker(store, run, new RunStoreTrackerOptions { FlushRows = 16 });
        store.UpsertSweep(Sweep, "concurrency", """{"metric":"loss"}""");
        for (var step = 0; step < steps; step++)
        {
            tracker.Log(new Dictionary<string, double> { ["loss"] = Loss(runId, step), ["step_value"] = step }, step);
            if (step % 50 == 0) tracker.SetSummary("last_step", step);
        }
        tracker.SetSummary("last_step", steps - 1);
        tracker.Finish(0);
    }

    /// <summary>The value a writer logs, so the reader can check every row.</summary>
    public static double Loss(string runId, long step) => (runId.Length + 1.0) / (step + 1);
}
