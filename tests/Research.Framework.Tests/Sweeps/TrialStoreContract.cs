using System.Collections.Concurrent;
using Research.Framework.Sweeps;
using Research.Framework.Sweeps.Trials;
using Xunit;

namespace Research.Framework.Tests.Sweeps;

/// <summary>
/// The trial store's rules, run against SQLite and against PostgreSQL (the subclasses say which): idempotent sweep
/// creation, numbering, a waiting trial handed out exactly once under contention, new trials proposed from every
/// trial so far, only running trials finishing (once), stale trials failed and re-queued with attempt + 1 up to the
/// retry limit, and intermediate values unique per step. Every concurrent test uses one store (one connection) per thread.
/// </summary>
public abstract class TrialStoreContract
{
    static readonly SweepObjective Objective = new("final/swd");

    /// <summary>A new store on the test's database (each call opens another connection to the same one).</summary>
    protected abstract ITrialStore Open();

    static Dictionary<string, string> Params(params (string Key, string Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    [Fact]
    public void CreatingASweepTwiceReturnsTheSameSweepAndEnqueuesItsTrialsOnce()
    {
        using var store = Open();
        IReadOnlyDictionary<string, string>[] grid = [Params(("LearningRate", "0.001")), Params(("LearningRate", "0.01"))];
        var first = store.CreateSweep("lr", "toy", Objective with { Target = 0.25 }, "spec text", grid);
        var again = store.CreateSweep("lr", "other", new SweepObjective("loss", SweepGoal.Maximize), "other spec", grid);
        var second = store.CreateSweep("lr-2", "toy", Objective, "spec", []);

        Assert.Equal(first, again);
        Assert.Equal(("toy", "final/swd", SweepGoal.Minimize, 0.25, "spec text"), (again.Experiment, again.Objective.Metric, again.Objective.Goal, again.Objective.Target, again.Spec));
        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(first, store.FindSweep("lr"));
        Assert.Null(store.FindSweep("nope"));
        var trials = store.Trials(first.Id);
        Assert.Equal([0, 1], trials.Select(t => t.Number));
        Assert.All(trials, t => Assert.Equal(TrialState.Waiting, t.State));
        Assert.Equal(["0.001", "0.01"], trials.Select(t => t.Parameters["LearningRate"]));
        Assert.Empty(store.Trials(second.Id));
    }

    [Fact]
    public void AReleasedTrialWaitsAgainWithItsNumberAttemptAndFolderForAnyWorker()
    {
        using var store = Open();
        var sweep = store.CreateSweep("release", "toy", Objective, "", [Params(("X", "1")), Params(("X", "2"))]);
        var claimed = store.Claim(sweep.Id, "a")!;
        Assert.True(store.SetRunDirectory(claimed.Id, "/runs/toy/1"));
        Assert.False(store.Release(claimed.Id, "b"));   // only its own worker hands it back
        Assert.True(store.Release(claimed.Id, "a"));
        Assert.False(store.Release(claimed.Id, "a"));   // once
        var waiting = store.Trial(claimed.Id)!;
        Assert.Equal((TrialState.Waiting, 0, 0, (string?)null, "/runs/toy/1"), (waiting.State, waiting.Number, waiting.Attempt, waiting.WorkerId, waiting.RunDirectory));
        var again = store.Claim(sweep.Id, "b")!;   // the lowest number first: the released trial
        Assert.Equal((claimed.Id, TrialState.Running, "b"), (again.Id, again.State, again.WorkerId));
    }

    [Fact]
    public void TrialsAreNumberedInCreationOrderPerSweep()
    {
        using var store = Open();
        var a = store.CreateSweep("a", "toy", Objective, "");
        var b = store.CreateSweep("b", "toy", Objective, "");
        Assert.Equal(0, store.Enqueue(a.Id, Params(("X", "1"))).Number);
        Assert.Equal(0, store.Enqueue(b.Id, Params(("X", "1"))).Number);
        Assert.Equal(1, store.Enqueue(a.Id, Params(("X", "2"))).Number);
        var asked = store.Ask(b.Id, "w", _ => Params(("X", "new")))!; // b's waiting trial is claimed first
        Assert.Equal((0, TrialState.Running, "w"), (asked.Number, asked.State, asked.WorkerId));
        var proposed = store.Ask(b.Id, "w", trials => Params(("X", $"seen {trials.Count}")))!;
        Assert.Equal((1, TrialState.Running, "w", "seen 1"), (proposed.Number, proposed.State, proposed.WorkerId, proposed.Parameters["X"]));
        Assert.Equal(2, store.Enqueue(a.Id, Params()).Number);
    }

    [Fact]
    public void ConcurrentClaimsHandOutEveryWaitingTrialExactlyOnce()
    {
        const int Trials = 48, Threads = 8;
        long sweepId;
        using (var setup = Open())
            sweepId = setup.CreateSweep("claims", "toy", Objective, "",
                [.. Enumerable.Range(0, Trials).Select(i => (IReadOnlyDictionary<string, string>)Params(("I", $"{i}")))]).Id;
        var claimed = new ConcurrentBag<(string Worker, long Trial)>();
        Parallel(Threads, worker =>
        {
            using var store = Open();
            while (store.Claim(sweepId, $"w{worker}") is { } trial) claimed.Add(($"w{worker}", trial.Id));
        });

        Assert.Equal(Trials, claimed.Count);
        Assert.Equal(Trials, claimed.Select(c => c.Trial).Distinct().Count());
        using var check = Open();
        var trials = check.Trials(sweepId);
        Assert.All(trials, t => Assert.Equal(TrialState.Running, t.State));
        Assert.Equal(claimed.ToDictionary(c => c.Trial, c => c.Worker), trials.ToDictionary(t => t.Id, t => t.WorkerId!));
    }

    [Fact]
    public void ConcurrentAsksProposeFromEveryTrialSoFarAndNeverShareOne()
    {
        const int Budget = 30, Threads = 6;
        long sweepId;
        using (var setup = Open()) sweepId = setup.CreateSweep("asks", "toy", Objective, "").Id;
        var asked = new ConcurrentBag<(string Worker, StoredTrial Trial)>();
        Parallel(Threads, worker =>
        {
            using var store = Open();
            // The proposal names how many trials it saw: distinct values prove each proposal saw all earlier inserts.
            while (store.Ask(sweepId, $"w{worker}", trials => Params(("Seen", $"{trials.Count}")), maxTrials: Budget) is { } trial)
                asked.Add(($"w{worker}", trial));
        });

        Assert.Equal(Budget, asked.Count);
        Assert.Equal(Enumerable.Range(0, Budget), asked.Select(a => int.Parse(a.Trial.Parameters["Seen"], System.Globalization.CultureInfo.InvariantCulture)).Order());
        using var check = Open();
        var trials = check.Trials(sweepId);
        Assert.Equal(Enumerable.Range(0, Budget), trials.Select(t => t.Number));
        Assert.All(trials, t => Assert.Equal($"{t.Number}", t.Parameters["Seen"])); // numbered under the same lock
        Assert.Equal(asked.ToDictionary(a => a.Trial.Id, a => a.Worker), trials.ToDictionary(t => t.Id, t => t.WorkerId!));
    }

    [Fact]
    public void OnlyRunningTrialsMoveToAFinalStateAndOnlyOnce()
    {
        using var store = Open();
        var sweep = store.CreateSweep("finish", "toy", Objective, "", [Params(("X", "1")), Params(("X", "2"))]);
        var waiting = store.Trials(sweep.Id)[1];
        Assert.False(store.Finish(waiting.Id, TrialState.Complete, 1.0));
        Assert.False(store.Report(waiting.Id, 1, 1.0));
        Assert.False(store.SetRunDirectory(waiting.Id, "/runs/x"));
        Assert.Throws<ArgumentException>(() => store.Finish(waiting.Id, TrialState.Waiting, null));
        Assert.Throws<ArgumentException>(() => store.Finish(waiting.Id, TrialState.Running, null));

        var trial = store.Claim(sweep.Id, "w")!;
        Assert.True(store.Finish(trial.Id, TrialState.Complete, 0.5));
        Assert.False(store.Finish(trial.Id, TrialState.Pruned, 0.7));
        Assert.False(store.Finish(trial.Id, TrialState.Failed, null));
        Assert.False(store.Report(trial.Id, 2, 0.1));
        Assert.False(store.Heartbeat(trial.Id, "w"));
        var done = store.Trial(trial.Id)!;
        Assert.Equal((TrialState.Complete, 0.5), (done.State, done.Value));

        // Many finishers racing on one running trial: exactly one wins.
        var raced = store.Claim(sweep.Id, "w")!;
        var wins = new ConcurrentBag<TrialState>();
        TrialState[] states = [TrialState.Complete, TrialState.Pruned, TrialState.Failed];
        Parallel(6, i =>
        {
            using var other = Open();
            if (other.Finish(raced.Id, states[i % 3], i)) wins.Add(states[i % 3]);
        });
        Assert.Single(wins);
        Assert.Equal(wins.Single(), store.Trial(raced.Id)!.State);
    }

    [Fact]
    public void HeartbeatsBelongToTheRunningTrialsWorker()
    {
        using var store = Open();
        var sweep = store.CreateSweep("beats", "toy", Objective, "", [Params()]);
        var trial = store.Claim(sweep.Id, "owner")!;
        Assert.NotNull(trial.Heartbeat);
        Assert.True(store.Heartbeat(trial.Id, "owner"));
        Assert.False(store.Heartbeat(trial.Id, "someone-else"));
        // A fresh heartbeat is not stale under a long grace period.
        Assert.Empty(store.FailStale(sweep.Id, TimeSpan.FromHours(1), maxRetries: 3));
        Assert.Equal(TrialState.Running, store.Trial(trial.Id)!.State);
    }

    [Fact]
    public void StaleTrialsAreFailedAndRequeuedWithTheSameParamsAndRunFolderUpToTheRetryLimit()
    {
        using var store = Open();
        var sweep = store.CreateSweep("stale", "toy", Objective, "", [Params(("LearningRate", "0.003"), ("Steps", "10"))]);
        var first = store.Claim(sweep.Id, "crashed")!;
        Assert.True(store.SetRunDirectory(first.Id, "/runs/toy/run-1"));
        Assert.True(store.Report(first.Id, 5, 0.9));

        var chain = new List<StoredTrial> { first };
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var failed = FailWhenStale(store, sweep.Id, maxRetries: 2);
            Assert.Equal(chain[^1].Id, Assert.Single(failed).Id);
            Assert.Equal(TrialState.Failed, store.Trial(chain[^1].Id)!.State);
            Assert.False(store.Heartbeat(chain[^1].Id, chain[^1].WorkerId!)); // the crashed worker, if it comes back, learns it lost the trial
            var retry = store.Claim(sweep.Id, $"rescuer-{attempt}");
            if (attempt == 3)
            {
                Assert.Null(retry); // attempts 0, 1, 2 used up the two retries
                break;
            }
            Assert.NotNull(retry);
            Assert.Equal((attempt, chain[^1].Id, "/runs/toy/run-1", attempt), (retry.Attempt, retry.RetryOf, retry.RunDirectory, retry.Number));
            Assert.Equal(first.Parameters, retry.Parameters);
            Assert.Empty(retry.Intermediate); // a retry reports its own values as it resumes
            chain.Add(retry);
        }
        var trials = store.Trials(sweep.Id);
        Assert.Equal([TrialState.Failed, TrialState.Failed, TrialState.Failed], trials.Select(t => t.State));
        Assert.Equal([0, 1, 2], trials.Select(t => t.Attempt));
    }

    [Fact]
    public void ConcurrentStaleChecksFailAndRequeueATrialOnce()
    {
        long sweepId, trialId;
        using (var setup = Open())
        {
            sweepId = setup.CreateSweep("stale-race", "toy", Objective, "", [Params(("X", "1"))]).Id;
            trialId = setup.Claim(sweepId, "crashed")!.Id;
            WaitForClockToPass(setup, sweepId);
        }
        var failed = new ConcurrentBag<long>();
        Parallel(6, _ =>
        {
            using var store = Open();
            foreach (var trial in store.FailStale(sweepId, TimeSpan.Zero, maxRetries: 1)) failed.Add(trial.Id);
        });
        Assert.Equal([trialId], failed);
        using var check = Open();
        var trials = check.Trials(sweepId);
        Assert.Equal([(TrialState.Failed, 0), (TrialState.Waiting, 1)], trials.Select(t => (t.State, t.Attempt)));
    }

    [Fact]
    public void IntermediateValuesAreUniquePerStep()
    {
        using var store = Open();
        var sweep = store.CreateSweep("values", "toy", Objective, "", [Params()]);
        var trial = store.Claim(sweep.Id, "w")!;
        Assert.True(store.Report(trial.Id, 7, 3.0));
        Assert.True(store.Report(trial.Id, 5, 1.0));
        Assert.True(store.Report(trial.Id, 5, 2.0)); // a replayed step replaces its value
        Assert.Equal([(5L, 2.0), (7L, 3.0)], store.Trial(trial.Id)!.Intermediate);
        Assert.Equal([(5L, 2.0), (7L, 3.0)], store.Trials(sweep.Id).Single().Intermediate);
        Assert.Equal([(5L, 2.0), (7L, 3.0)], store.Trials(sweep.Id).Single().ToRecord().Intermediate);
    }

    [Fact]
    public void TheBudgetCountsFirstTriesAndAReachedTargetStopsNewTrials()
    {
        using var store = Open();
        var sweep = store.CreateSweep("budget", "toy", Objective with { Target = 0.1 }, "");
        var a = store.Ask(sweep.Id, "w", _ => Params(("X", "a")), maxTrials: 2)!;
        FailWhenStale(store, sweep.Id, maxRetries: 1); // a's retry waits; it does not count against the budget
        var retry = store.Ask(sweep.Id, "w", _ => Params(("X", "never")), maxTrials: 2)!;
        Assert.Equal(("a", 1), (retry.Parameters["X"], retry.Attempt));
        var b = store.Ask(sweep.Id, "w", _ => Params(("X", "b")), maxTrials: 2)!;
        Assert.Equal("b", b.Parameters["X"]);
        Assert.Null(store.Ask(sweep.Id, "w", _ => Params(("X", "c")), maxTrials: 2));

        var open = store.CreateSweep("target", "toy", Objective with { Target = 0.1 }, "");
        var first = store.Ask(open.Id, "w", _ => Params(("X", "1")))!;
        Assert.True(store.Finish(first.Id, TrialState.Complete, 0.2)); // not yet at the target
        var second = store.Ask(open.Id, "w", _ => Params(("X", "2")))!;
        Assert.True(store.Finish(second.Id, TrialState.Complete, 0.05));
        Assert.Null(store.Ask(open.Id, "w", _ => Params(("X", "3"))));
        Assert.Null(store.Ask(store.CreateSweep("exhausted", "toy", Objective, "").Id, "w", _ => null));

        // A budget also caps enqueued first tries (a grid larger than --trials).
        var grid = store.CreateSweep("grid", "toy", Objective, "", [Params(("X", "1")), Params(("X", "2")), Params(("X", "3"))]);
        Assert.Equal("1", store.Ask(grid.Id, "w", _ => null, maxTrials: 2)!.Parameters["X"]);
        Assert.Equal("2", store.Ask(grid.Id, "w", _ => null, maxTrials: 2)!.Parameters["X"]);
        Assert.Null(store.Ask(grid.Id, "w", _ => null, maxTrials: 2));
        Assert.Equal(TrialState.Waiting, store.Trials(grid.Id)[2].State);
    }

    /// <summary>Fails the sweep's running trials as soon as the database clock has moved past their heartbeat (grace zero).</summary>
    static IReadOnlyList<StoredTrial> FailWhenStale(ITrialStore store, long sweepId, int maxRetries)
    {
        WaitForClockToPass(store, sweepId);
        return store.FailStale(sweepId, TimeSpan.Zero, maxRetries);
    }

    static void WaitForClockToPass(ITrialStore store, long sweepId)
    {
        var newest = store.Trials(sweepId).Max(t => t.Heartbeat) ?? DateTimeOffset.MinValue;
        while (DateTimeOffset.UtcNow <= newest + TimeSpan.FromMilliseconds(20)) Thread.Sleep(10); // the database clock is this machine's
    }

    static void Parallel(int threads, Action<int> body)
    {
        var errors = new ConcurrentQueue<Exception>();
        using var start = new Barrier(threads);
        var running = Enumerable.Range(0, threads).Select(i => new Thread(() =>
        {
            try
            {
                start.SignalAndWait(TimeSpan.FromSeconds(120));
                body(i);
            }
            catch (Exception error)
            {
                errors.Enqueue(error);
            }
        })).ToList();
        running.ForEach(t => t.Start());
        running.ForEach(t => t.Join());
        Assert.Empty(errors);
    }
}

public sealed class SqliteTrialStoreTests : TrialStoreContract, IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("trialstore-").FullName;

    protected override ITrialStore Open() => new SqliteTrialStore(Path.Combine(folder, "sweeps.db"));

    public void Dispose() => Directory.Delete(folder, recursive: true);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresTrialStoreTests(PostgresServer server) : TrialStoreContract
{
    readonly string database = server.NewDatabase();

    protected override ITrialStore Open() => new PostgresTrialStore(database);

    /// <summary>A worker's long-lived connection survives the server dropping it (restart, network): the next call reconnects.</summary>
    [Fact]
    public void ACallAfterTheServerDroppedTheConnectionReconnects()
    {
        using var store = Open();
        var sweep = store.CreateSweep("dropped", "toy", new SweepObjective("final/swd"), "");
        store.Enqueue(sweep.Id, new Dictionary<string, string> { ["X"] = "1" });
        using (var admin = new Npgsql.NpgsqlConnection(database))
        {
            admin.Open();
            using var kill = admin.CreateCommand();
            kill.CommandText = "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()";
            Assert.Equal(1L, (long)kill.ExecuteScalar()!);   // the store's one connection
        }
        var claimed = store.Ask(sweep.Id, "w", _ => null);
        Assert.Equal(("1", TrialState.Running), (claimed!.Parameters["X"], claimed.State));
        Assert.True(store.Finish(claimed.Id, TrialState.Complete, 0.5));
    }
}
