using Research.Framework.Sweeps;
using Research.Framework.Sweeps.Trials;
using Research.Framework.Sweeps.Workers;
using Xunit;

namespace Research.Framework.Tests.Sweeps;

/// <summary>The worker loop in one process on SQLite: completion, pruning after a checkpoint, failures, budgets, and the objective tracker.</summary>
public sealed class SweepWorkerTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("sweep-worker-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    static IReadOnlyDictionary<string, string> Set(string x, string steps = "4") => new Dictionary<string, string> { ["X"] = x, ["Steps"] = steps };

    (SqliteTrialStore Store, SweepStudy Sweep, int Ran) RunWorker(SweepSearch search, int? maxTrials = null)
    {
        var store = new SqliteTrialStore(Path.Combine(folder, "sweeps.db"));
        var sweep = store.CreateSweep("s", "fake", new SweepObjective("value"), search.Spec, search.Enqueued);
        var options = new SweepWorkerOptions { WorkerId = "w", HeartbeatInterval = TimeSpan.FromMilliseconds(100), PollInterval = TimeSpan.FromMilliseconds(100), MaxTrials = maxTrials };
        var ran = new SweepWorker(store, sweep, search, new FakeTrialRunner(folder), options, TextWriter.Null).Run();
        return (store, sweep, ran);
    }

    [Fact]
    public void AWorkerRunsEnqueuedThenProposedTrialsToCompletionWithTheirIntermediateValues()
    {
        var search = new SweepSearch(new SearchSpace([]), new ListStrategy([Set("3"), Set("4")]), null, [Set("1"), Set("2")], "");
        var (store, sweep, ran) = RunWorker(search);
        using (store)
        {
            var trials = store.Trials(sweep.Id);
            Assert.Equal(4, ran);
            Assert.Equal(["1", "2", "3", "4"], trials.Select(t => t.Parameters["X"]));
            Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
            Assert.Equal([1.0, 2.0, 3.0, 4.0], trials.Select(t => t.Value!.Value));
            // X · step at steps 1..4
            Assert.Equal([(1L, 3.0), (2L, 6.0), (3L, 9.0), (4L, 12.0)], trials[2].Intermediate);
            Assert.All(trials, t => Assert.True(Directory.Exists(t.RunDirectory)));
        }
    }

    [Fact]
    public void APrunedTrialSavesACheckpointFirstAndKeepsItsLastIntermediateValue()
    {
        // X = 5 reports 5, 10, …: over the threshold 7 at step 2, so the body is asked to stop and checkpoints step 2.
        var search = new SweepSearch(new SearchSpace([]), null, new ThresholdPruner(7), [Set("1", "6"), Set("5", "6")], "");
        var (store, sweep, _) = RunWorker(search);
        using (store)
        {
            var trials = store.Trials(sweep.Id);
            Assert.Equal((TrialState.Complete, 1.0), (trials[0].State, trials[0].Value!.Value));
            var pruned = trials[1];
            Assert.Equal((TrialState.Pruned, 10.0), (pruned.State, pruned.Value!.Value));
            Assert.Equal([(1L, 5.0), (2L, 10.0)], pruned.Intermediate);
            Assert.Equal("2", File.ReadAllText(Path.Combine(pruned.RunDirectory!, "checkpoint")));
            Assert.Equal("2", File.ReadAllText(Path.Combine(pruned.RunDirectory!, "stopped-at")));
        }
    }

    [Fact]
    public void AFailingTrialIsMarkedFailedAndTheWorkerGoesOnWithinTheBudget()
    {
        var search = new SweepSearch(new SearchSpace([]), new ListStrategy([Set("-1"), Set("2"), Set("3")]), null, [], "");
        var (store, sweep, ran) = RunWorker(search, maxTrials: 2);
        using (store)
        {
            var trials = store.Trials(sweep.Id);
            Assert.Equal(2, ran);
            Assert.Equal([(TrialState.Failed, "-1"), (TrialState.Complete, "2")], trials.Select(t => (t.State, t.Parameters["X"])));
        }
    }

    [Fact]
    public void AWorkerStopsWhenTheBudgetLeavesEnqueuedTrialsWaiting()
    {
        var search = new SweepSearch(new SearchSpace([]), null, null, [Set("1"), Set("2"), Set("3")], "");
        var (store, sweep, ran) = RunWorker(search, maxTrials: 2);
        using (store)
        {
            Assert.Equal(2, ran);
            Assert.Equal([TrialState.Complete, TrialState.Complete, TrialState.Waiting], store.Trials(sweep.Id).Select(t => t.State));
        }
    }

    [Theory]
    [InlineData("postgresql://alice:s%40cret@db.example.org:6543/sweeps?Timeout=30", "db.example.org", 6543, "sweeps", "alice", "s@cret")] // the query is Npgsql settings
    [InlineData("postgres://bob@localhost/research", "localhost", 5432, "research", "bob", null)]
    public void PostgresUrlsBecomeConnectionStrings(string url, string host, int port, string database, string user, string? password)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(TrialStores.PostgresConnectionString(url));
        Assert.Equal((host, port, database, user, password), (builder.Host, builder.Port, builder.Database, builder.Username, builder.Password));
        Assert.True(TrialStores.IsPostgres(url));
        Assert.False(TrialStores.IsPostgres("runs/sweeps.db"));
    }

    [Fact]
    public void ABadPostgresUrlIsAUsageError()
    {
        var error = Assert.Throws<InvalidSweepException>(() => TrialStores.PostgresConnectionString("postgresql://host/db?NoSuchOption=1"));
        Assert.Contains("NoSuchOption", error.Message, StringComparison.Ordinal);
    }
}
