using System.Diagnostics;
using System.Globalization;
using System.Text;
using Research.Framework.Sweeps;
using Research.Framework.Sweeps.Trials;
using Xunit;

namespace Research.Framework.Tests.Sweeps;

/// <summary>
/// Two real worker processes (the test assembly as <c>sweep-fake-worker</c>) share a sweep of five trials; one is
/// killed mid-trial. Afterwards every parameter set has exactly one complete trial and exactly one completed body,
/// the killed trial is failed and retried once (attempt 1) by the survivor, which resumed the killed run folder from
/// its checkpoint, nothing is left running or waiting, and the trial numbers are 0..n-1. Run on SQLite and PostgreSQL.
/// </summary>
public abstract class KilledWorkerContract : IDisposable
{
    protected readonly string Folder = Directory.CreateTempSubdirectory("sweep-kill-").FullName;
    const string Sweep = "kill-test";
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(180);

    /// <summary>The --storage text both workers (and the test) open.</summary>
    protected abstract string Storage { get; }

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    sealed record Worker(string Id, Process Process, StringBuilder Output)
    {
        /// <summary>The output so far, read under the lock the output handlers append under (a StringBuilder is not thread-safe).</summary>
        public string Text
        {
            get
            {
                lock (Output) return Output.ToString();
            }
        }
    }

    Worker Start(string id)
    {
        var process = new Process { StartInfo = FakeSweepWorker.TestProgram.StartInfo(["sweep-fake-worker", Storage, Sweep, id, Folder]) };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new Worker(id, process, output);
    }

    [Fact]
    public void AKilledWorkersTrialIsRetriedByTheOtherAndEveryTrialEndsExactlyOnce()
    {
        var victim = Start("victim");
        var survivor = Start("survivor");
        try
        {
            using var store = TrialStores.Open(Storage);
            // Kill the victim once it is well into a trial (two intermediate values reported, so a checkpoint exists).
            var clock = Stopwatch.StartNew();
            StoredTrial? killed = null;
            while (killed is null)
            {
                Assert.True(clock.Elapsed < Patience, $"the victim never got two steps into a trial:\n{victim.Text}\n{survivor.Text}");
                Assert.False(victim.Process.HasExited, $"the victim exited early:\n{victim.Text}");
                killed = store.FindSweep(Sweep) is { } found
                    ? store.Trials(found.Id).FirstOrDefault(t => t.WorkerId == "victim" && t.State == TrialState.Running && t.Intermediate.Count >= 2)
                    : null;
                if (killed is null) Thread.Sleep(20);
            }
            victim.Process.Kill(entireProcessTree: true);
            Assert.True(victim.Process.WaitForExit(60_000), "the victim did not die");
            Assert.True(survivor.Process.WaitForExit((int)Patience.TotalMilliseconds), $"the survivor did not finish:\n{survivor.Text}");
            survivor.Process.WaitForExit(); // drain its output
            Assert.True(survivor.Process.ExitCode == 0, $"the survivor exited with {survivor.Process.ExitCode}:\n{survivor.Text}");

            var sweep = store.FindSweep(Sweep)!;
            var trials = store.Trials(sweep.Id);
            try
            {
                CheckOutcome(trials, killed);
            }
            catch (Exception error)
            {
                var table = string.Join("\n", trials.Select(t => $"#{t.Number} {t.State} X={t.Parameters["X"]} attempt={t.Attempt} retry_of={t.RetryOf} worker={t.WorkerId} values={t.Intermediate.Count}"));
                throw new Xunit.Sdk.XunitException($"{error.Message}\ntrials:\n{table}\nsurvivor:\n{survivor.Text}\nvictim:\n{victim.Text}");
            }
        }
        finally
        {
            foreach (var worker in new[] { victim, survivor })
            {
                if (!worker.Process.HasExited) worker.Process.Kill(entireProcessTree: true);
                worker.Process.WaitForExit(); // also waits for the output readers, which must not outlive the Process
                worker.Process.Dispose();
            }
        }
    }

    void CheckOutcome(IReadOnlyList<StoredTrial> trials, StoredTrial killed)
    {
        {
            Assert.Equal(Enumerable.Range(0, trials.Count), trials.Select(t => t.Number));
            Assert.All(trials, t => Assert.True(t.IsFinal, $"trial {t.Number} is {t.State}"));
            // Every parameter set completed exactly once, with the value its body returns.
            Assert.Equal(FakeSweepWorker.Xs, trials.Where(t => t.State == TrialState.Complete).Select(t => t.Parameters["X"]).Order(StringComparer.Ordinal));
            Assert.All(trials.Where(t => t.State == TrialState.Complete), t => Assert.Equal(double.Parse(t.Parameters["X"], CultureInfo.InvariantCulture), t.Value));
            var completions = Directory.GetFiles(Path.Combine(Folder, "completions")).Select(f => Path.GetFileName(f).Split('-')[0]).Order(StringComparer.Ordinal);
            Assert.Equal(FakeSweepWorker.Xs, completions);

            // The killed trial failed; its one retry (attempt 1) completed on the survivor, resuming its run folder.
            var failed = Assert.Single(trials, t => t.State == TrialState.Failed);
            Assert.Equal((killed.Id, 0, "victim"), (failed.Id, failed.Attempt, failed.WorkerId));
            var retry = Assert.Single(trials, t => t.RetryOf == killed.Id);
            Assert.Equal((1, TrialState.Complete, "survivor"), (retry.Attempt, retry.State, retry.WorkerId));
            Assert.Equal(killed.Parameters["X"], retry.Parameters["X"]);
            Assert.Equal(failed.RunDirectory, retry.RunDirectory);
            var resumedFrom = int.Parse(File.ReadAllText(Path.Combine(retry.RunDirectory!, "resumed-from")), CultureInfo.InvariantCulture);
            Assert.InRange(resumedFrom, 2, 19);
            Assert.Equal(20L, retry.Intermediate[^1].Step);
            Assert.Equal(resumedFrom + 1, retry.Intermediate[0].Step); // it reported only the steps it ran itself
            Assert.Equal(trials.Count(t => t.Attempt == 0), FakeSweepWorker.Xs.Count);
        }
    }
}

public sealed class SqliteKilledWorkerTests : KilledWorkerContract
{
    protected override string Storage => Path.Combine(Folder, "sweeps.db");
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresKilledWorkerTests(PostgresServer server) : KilledWorkerContract
{
    readonly string database = server.NewDatabase();

    protected override string Storage => database;
}
