using Research.Experiments;
using Research.Framework.Data;
using Research.Framework.Experiments;
using Research.Framework.Runs;
using Research.Framework.Tracking;
using Research.Framework.Tracking.RunIndex;
using Xunit;

namespace Research.Experiments.Tests.Runs;

/// <summary>
/// A run folder explains itself: log.txt keeps the console output, error.txt what a failed run died of, and the run
/// index says failed, stopped or crashed from what happened, not from a timer.
/// </summary>
public sealed class RunFolderRecordTests : IDisposable
{
    readonly string runs = Directory.CreateTempSubdirectory("run-record-").FullName;

    public void Dispose() => Directory.Delete(runs, recursive: true);

    static ExperimentPlan Plan() => Overrides.Plan(ExperimentCatalog.All.Single(e => e.Name == "sit-checkerboard"), SweepCommandTests.Tiny);

    static string OnlyRun(string runs) => Directory.GetDirectories(Path.Combine(runs, "sit-checkerboard")).Single();

    StoredRun Indexed(string run)
    {
        using var store = RunStore.Open(runs);
        return store.GetRun(Path.GetFileName(run))!;
    }

    /// <summary>Calls <paramref name="onLog"/> at each metrics row (after the run's own sinks have it).</summary>
    sealed class Observer(Action<long> onLog) : ITracker
    {
        public void Log(IReadOnlyDictionary<string, double> metrics, long step) => onLog(step);
        public void LogImage(string key, byte[] png, long step) { }
        public void SetSummary(string key, double value) { }
        public void Finish(int exitCode) { }
    }

    /// <summary>The plan's data, failing every draw once <see cref="Fail"/> is set (a disk that dies mid-run).</summary>
    sealed class FailingData(ISampledDataset data) : ISampledDataset
    {
        public bool Fail { get; set; }
        public long[] SampleShape => data.SampleShape;
        public int? NumClasses => data.NumClasses;
        public Batch Sample(long count, TorchSharp.torch.Generator generator) => Fail ? throw new IOException("the disk is on fire") : data.Sample(count, generator);
    }

    [Fact]
    public void AFailedRunKeepsItsErrorAndItsLogAndAResumeThatFinishesClearsTheError()
    {
        var plan = Plan();
        var data = new FailingData((ISampledDataset)plan.Dataset);
        Assert.Throws<IOException>(() => ExperimentRunner.Run(plan with { Dataset = data }, runs, new StringWriter(),
            observe: _ => new Observer(step => data.Fail = step == 10)));
        var run = OnlyRun(runs);

        var error = File.ReadAllText(Path.Combine(run, RunLayout.ErrorFileName));
        Assert.StartsWith("System.IO.IOException: the disk is on fire", error);
        Assert.Contains(nameof(ExperimentRunner), error);   // the stack trace, for a bug report
        var log = File.ReadAllText(Path.Combine(run, RunLayout.LogFileName));
        Assert.Contains($"run sit-checkerboard → {run}", log);     // the runner's lines
        Assert.Contains("step 10/20  train/loss", log);             // the trainer's metric lines, also on an interactive console
        Assert.Contains("the disk is on fire", log);
        Assert.Equal((RunStatus.Failed, (int?)1), (Indexed(run).Status, Indexed(run).ExitCode));

        ExperimentRunner.Run(Plan(), runs, new StringWriter(), resume: new ResumeOptions(run) { RestartWithoutCheckpoint = true });

        Assert.False(File.Exists(Path.Combine(run, RunLayout.ErrorFileName)), "a finished resume still shows the old error");
        log = File.ReadAllText(Path.Combine(run, RunLayout.LogFileName));
        Assert.Contains($"run sit-checkerboard → {run}", log);      // appended, not replaced
        Assert.Contains($"resume sit-checkerboard → {run}", log);
        Assert.Equal((RunStatus.Finished, (int?)0), (Indexed(run).Status, Indexed(run).ExitCode));
    }

    [Fact]
    public void AStoppedRunIsStoppedInTheIndexWithNoError()
    {
        using var stop = new CancellationTokenSource();
        var result = ExperimentRunner.Run(Plan(), runs, new StringWriter(), stop.Token, observe: _ => new Observer(_ => stop.Cancel()));
        var run = OnlyRun(runs);

        Assert.True(result.Training.Cancelled);
        Assert.Equal((RunStatus.Stopped, (int?)RunStatuses.StoppedExitCode), (Indexed(run).Status, Indexed(run).ExitCode));
        Assert.False(File.Exists(Path.Combine(run, RunLayout.ErrorFileName)));
        Assert.True(File.Exists(Path.Combine(run, RunLayout.LogFileName)));
    }

    [Theory]
    [InlineData(0, RunStatus.Finished)]
    [InlineData(130, RunStatus.Stopped)]
    [InlineData(1, RunStatus.Failed)]
    [InlineData(134, RunStatus.Failed)]
    public void ExitCodesMapToStatuses(int exitCode, RunStatus status) => Assert.Equal(status, RunStatuses.Of(exitCode));
}

/// <summary>What the command line does when the machine fails a run: one clear line and a resumable folder, not a crash.</summary>
public sealed class EnvironmentFailureTests : IDisposable
{
    readonly string runs = Directory.CreateTempSubdirectory("environment-").FullName;

    public void Dispose() => Directory.Delete(runs, recursive: true);

    /// <summary>sit-checkerboard whose data fails as a dying disk does once training is under way (after 8 draws).</summary>
    sealed class DyingDisk(IExperiment inner) : IExperiment
    {
        public string Name => inner.Name;
        public string Description => inner.Description;
        public string Wiring => inner.Wiring;
        public IReadOnlyList<string> SweepAxes => inner.SweepAxes;
        public Research.Framework.Sweeps.SearchSpace Space => inner.Space;
        public IExperimentConfiguration Defaults() => new Configuration(inner.Defaults());
        public IReadOnlyList<IExperimentConfiguration> SweepPlan() => inner.SweepPlan();

        sealed class Configuration(IExperimentConfiguration inner) : IExperimentConfiguration
        {
            public IReadOnlyList<Setting> Settings => inner.Settings;
            public ExperimentPlan Plan(IReadOnlyDictionary<string, string> overrides)
            {
                var plan = inner.Plan(overrides);
                return plan with { Dataset = new Failing((ISampledDataset)plan.Dataset) };
            }
        }

        sealed class Failing(ISampledDataset data) : ISampledDataset
        {
            int draws;
            public long[] SampleShape => data.SampleShape;
            public int? NumClasses => data.NumClasses;
            public Batch Sample(long count, TorchSharp.torch.Generator generator) =>
                ++draws > 8 ? throw new IOException("Input/output error") : data.Sample(count, generator);
        }
    }

    [Fact]
    public void AnIoFailureMidRunIsOneLineAndExitOneWithTheFolderKept()
    {
        var experiment = new DyingDisk(ExperimentCatalog.All.Single(e => e.Name == "sit-checkerboard"));
        var (output, error) = (new StringWriter(), new StringWriter());

        int code = Research.Framework.Commands.ExperimentHost.Run(["run", "sit-checkerboard", "--runs-dir", runs, .. SweepCommandTests.Tiny],
            [experiment], [], output, error);

        Assert.Equal(Research.Framework.Commands.ExperimentHost.EnvironmentFailureExitCode, code);
        Assert.StartsWith("error: Input/output error", error.ToString());
        Assert.DoesNotContain("   at ", error.ToString());   // no stack trace for the user
        var run = Directory.GetDirectories(Path.Combine(runs, "sit-checkerboard")).Single();
        Assert.Contains("Input/output error", File.ReadAllText(Path.Combine(run, RunLayout.ErrorFileName)));   // the trace is kept there
        Assert.True(File.Exists(Path.Combine(run, "metrics.jsonl")));
        using var index = RunStore.Open(runs);
        Assert.Equal(RunStatus.Failed, index.GetRun(Path.GetFileName(run))!.Status);   // not left running
    }

    [Fact]
    public void ARunsFolderThatCannotBeWrittenIsAUsageErrorBeforeAnythingRuns()
    {
        var blocked = Path.Combine(runs, "a-file");
        File.WriteAllText(blocked, "");   // a file where the runs folder should be: creating a run folder in it fails

        var (code, _, error) = ProgramTests.Run(["run", "sit-checkerboard", "--runs-dir", blocked, .. SweepCommandTests.Tiny]);

        Assert.Equal(2, code);
        Assert.Contains($"cannot create a run folder under '{blocked}'", error);
        Assert.Contains("--runs-dir", error);
    }
}
