using Research.Framework.Runs;
using Research.Framework.Sweeps;
using Research.Framework.Sweeps.Trials;
using Research.Framework.Sweeps.Workers;
using Xunit;

namespace Research.Experiments.Tests;

/// <summary>
/// Real training runs as sweep trials (a tiny sit-checkerboard): a pruned trial checkpoints before it stops and skips
/// the final evaluation, and a trial whose worker stopped is retried in its own run folder, resuming from the checkpoint.
/// </summary>
public sealed class SweepTrialTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("sweep-trial-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>Prunes at the first report, or (with a token source) stops the worker there instead.</summary>
    sealed class FirstReportPruner(CancellationTokenSource? stopWorker = null) : IPruner
    {
        public bool ShouldPrune(TrialRecord trial, IReadOnlyList<TrialRecord> trials, SweepGoal goal)
        {
            if (stopWorker is null) return true;
            stopWorker.Cancel();
            return false;
        }
    }

    (SqliteTrialStore Store, SweepStudy Sweep) NewSweep()
    {
        var store = new SqliteTrialStore(Path.Combine(folder, "sweeps.db"));
        var sweep = store.CreateSweep("s", "sit-checkerboard", new SweepObjective("final/swd"), "{}", [new Dictionary<string, string> { ["LearningRate"] = "0.001" }]);
        return (store, sweep);
    }

    int Work(SqliteTrialStore store, SweepStudy sweep, IPruner? pruner, TextWriter log, CancellationToken cancel = default)
    {
        var experiment = ExperimentCatalog.All.Single(e => e.Name == "sit-checkerboard");
        var runner = new ExperimentTrialRunner(experiment, SweepCommandTests.Tiny, Path.Combine(folder, "runs"), log);
        var search = new SweepSearch(new SearchSpace([]), null, pruner, [], "");
        var options = new SweepWorkerOptions { WorkerId = "w", HeartbeatInterval = TimeSpan.FromSeconds(1), PollInterval = TimeSpan.FromMilliseconds(100) };
        return new SweepWorker(store, sweep, search, runner, options, log).Run(cancel);
    }

    [Fact]
    public void APrunedTrialCheckpointsAndSkipsTheFinalEvaluation()
    {
        var (store, sweep) = NewSweep();
        using (store)
        {
            var log = new StringWriter();
            Work(store, sweep, new FirstReportPruner(), log);
            var trial = store.Trials(sweep.Id).Single();
            Assert.True(trial.State == TrialState.Pruned, log.ToString());
            var (step, value) = Assert.Single(trial.Intermediate);
            Assert.Equal((10L, value), (step, trial.Value!.Value));
            Assert.True(File.Exists(Path.Combine(trial.RunDirectory!, "checkpoints", "step-00000010.ckpt")), log.ToString());
            Assert.False(File.Exists(Path.Combine(trial.RunDirectory!, "samples.npy"))); // no final evaluation
        }
    }

    [Fact]
    public void AStoppedTrialWaitsAgainAndTheNextWorkerResumesItFromTheCheckpoint()
    {
        var (store, sweep) = NewSweep();
        using (store)
        {
            var first = new StringWriter();
            using (var stop = new CancellationTokenSource())
                Work(store, sweep, new FirstReportPruner(stop), first, stop.Token);
            var released = store.Trials(sweep.Id).Single();
            // Handed back at once (a clean stop is no failure and costs no retry), with its checkpoint and folder.
            Assert.True(released.State == TrialState.Waiting, first.ToString());
            Assert.Equal((0, (long?)null), (released.Attempt, released.RetryOf));
            Assert.True(File.Exists(Path.Combine(released.RunDirectory!, "checkpoints", "step-00000010.ckpt")), first.ToString());

            var second = new StringWriter();
            Work(store, sweep, null, second);
            var resumed = store.Trials(sweep.Id).Single();   // the same trial: no retry row
            Assert.True(resumed.State == TrialState.Complete, second.ToString());
            Assert.Equal((released.Id, 0, released.RunDirectory), (resumed.Id, resumed.Attempt, resumed.RunDirectory));
            Assert.Contains($"resume sit-checkerboard → {released.RunDirectory}", second.ToString());
            Assert.Equal([10L, 20L], resumed.Intermediate.Select(v => v.Step));
            Assert.Single(Directory.GetDirectories(Path.Combine(folder, "runs", "sit-checkerboard")));
        }
    }
}
