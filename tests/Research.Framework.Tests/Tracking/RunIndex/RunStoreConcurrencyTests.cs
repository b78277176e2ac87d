using System.Diagnostics;
using System.Globalization;
using Research.Framework.Tracking;
using Research.Framework.Tracking.RunIndex;
using Xunit;

namespace Research.Framework.Tests.Tracking.RunIndex;

/// <summary>
/// Several writers on one index at once, as sweep workers are: two child processes (the test assembly started as
/// <c>runstore-writer</c>) and three threads, each with its own connection, all creating the fresh database
/// together and then logging in small transactions. Afterwards every row is there exactly once and the file is sound.
/// </summary>
public sealed class RunStoreConcurrencyTests : IDisposable
{
    const int Steps = 1_000;
    readonly string runs = Directory.CreateTempSubdirectory("runstore-concurrency-").FullName;

    public void Dispose() => Directory.Delete(runs, recursive: true);

    static Process StartChild(string database, string runId, string goFile)
    {
        var assembly = typeof(RunStoreWriter).Assembly.Location;
        var host = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
        return Process.Start(new ProcessStartInfo(host, [assembly, "runstore-writer", database, runId, Steps.ToString(CultureInfo.InvariantCulture), goFile])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
    }

    [Fact]
    public void ProcessesAndThreadsWritingAtOnceLeaveEveryRowExactlyOnce()
    {
        var database = Path.Combine(runs, RunStore.FileName);
        var goFile = Path.Combine(runs, "go");
        string[] processIds = ["process-1", "process-22"];
        string[] threadIds = ["thread-1", "thread-22", "thread-333"];

        var children = processIds.Select(id => (Id: id, Process: StartChild(database, id, goFile))).ToList();
        var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        using var ready = new CountdownEvent(threadIds.Length);
        var threads = threadIds.Select(id => new Thread(() =>
        {
            var signal = new SignalWriter(ready);
            try
            {
                RunStoreWriter.Write(database, id, Steps, goFile, signal);
            }
            catch (Exception error)
            {
                errors.Enqueue(error);
                if (!signal.Signalled) ready.Signal();
            }
        })).ToList();
        threads.ForEach(thread => thread.Start());
        try
        {
            // Everyone has opened (and, between them, created and migrated) the database; now all write together.
            Assert.True(ready.Wait(TimeSpan.FromSeconds(120)), "the writer threads did not open the store");
            foreach (var (id, child) in children)
                if (child.StandardOutput.ReadLine() != "ready")
                    Assert.Fail($"{id} did not start: {child.StandardError.ReadToEnd()}"); // (its stderr only when it failed: reading it waits for the exit)
            File.WriteAllText(goFile, "");
        }
        finally
        {
            File.WriteAllText(goFile, ""); // never leave a writer waiting
            threads.ForEach(thread => thread.Join());
            foreach (var (id, child) in children)
            {
                var error = child.StandardError.ReadToEnd();
                Assert.True(child.WaitForExit(120_000), $"{id} did not finish in 120 s");
                Assert.True(child.ExitCode == 0, $"{id} exited with {child.ExitCode}: {error}");
                child.Dispose();
            }
        }
        Assert.Empty(errors);

        using var store = RunStore.Open(runs);
        Assert.Equal("ok", store.IntegrityCheck());
        Assert.Equal("wal", store.JournalMode());
        string[] all = [.. processIds, .. threadIds];
        Assert.Equal((all.Length, all.Length * Steps * 2L, all.Length * 1L, 1L), store.Counts());
        var expected = Enumerable.Range(0, Steps).Select(step => (long)step).ToArray();
        foreach (var id in all)
        {
            var run = store.GetRun(id)!;
            Assert.Equal((RunStatus.Finished, 0, RunStoreWriter.Sweep), (run.Status, run.ExitCode, run.SweepId));
            Assert.Equal(Steps - 1, run.Summary["last_step"]);
            var loss = store.MetricSeries(id, "loss");
            Assert.Equal(expected, loss.Select(point => point.Step));
            Assert.Equal(expected.Select(step => RunStoreWriter.Loss(id, step)), loss.Select(point => point.Value));
            Assert.Equal(expected.Select(step => (double)step), store.MetricSeries(id, "step_value").Select(point => point.Value));
        }
        Assert.Equal(all.Order(StringComparer.Ordinal), store.ListRuns(new RunQuery { SweepId = RunStoreWriter.Sweep, OrderBy = RunOrder.Name, Descending = false }).Select(run => run.Id));
    }

    /// <summary>Turns a writer thread's "ready" line into a countdown signal.</summary>
    sealed class SignalWriter(CountdownEvent ready) : StringWriter(CultureInfo.InvariantCulture)
    {
        public bool Signalled { get; private set; }

        public override void Flush()
        {
            if (Signalled) return;
            Signalled = true;
            ready.Signal();
        }
    }
}
