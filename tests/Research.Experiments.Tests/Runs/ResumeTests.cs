using System.Text.Json;
using Research.Framework.Runs;
using Research.Framework.Tracking.RunIndex;
using Research.Framework.Tracking;
using Xunit;

namespace Research.Experiments.Tests.Runs;

/// <summary>
/// Issue 14, points 1–3: a resume rebuilds the run from its own config.json, one process writes a run folder, and
/// the history has every logged step exactly once. Each test reproduces a probe that misbehaved on main.
/// </summary>
public sealed class ResumeTests : IDisposable
{
    static readonly string[] Tiny = ["--SampleCount", "64", "--Evaluate.Every", "0", "--PreviewEvery", "0", "--Network.Hidden", "16", "--Network.Depth", "1", "--Sampler.Steps", "2"];

    readonly string runs = Directory.CreateTempSubdirectory("runs-").FullName;

    public void Dispose() => Directory.Delete(runs, recursive: true);

    static (int Code, string Output, string Error) Run(params string[] args) => ProgramTests.Run(args);

    /// <summary>A finished tiny run of <paramref name="experiment"/> (steps logged every step, a checkpoint at the end).</summary>
    string Finished(string experiment = "sit-checkerboard", int steps = 5)
    {
        var (code, output, error) = Run(["run", experiment, "--runs-dir", runs, "--Steps", steps.ToString(), "--LogEvery", "1", .. Tiny]);
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        return Directory.GetDirectories(Path.Combine(runs, experiment)).Single();
    }

    static Research.Framework.Training.Checkpoints.CheckpointStore Checkpoints(string run) => new(Path.Combine(run, "checkpoints"));

    static long[] LossSteps(string run) => File.ReadAllLines(Path.Combine(run, "metrics.jsonl"))
        .Select(line => JsonDocument.Parse(line).RootElement)
        .Where(row => row.TryGetProperty("train/loss", out _))
        .Select(row => row.GetProperty("_step").GetInt64()).ToArray();

    [Fact]
    public void AResumeAsAnotherExperimentIsRefusedAndTheRunIsUntouched()
    {
        var run = Finished();
        var summary = File.ReadAllText(Path.Combine(run, "summary.json"));
        var samples = File.ReadAllBytes(Path.Combine(run, "samples.npy"));

        var (code, _, error) = Run("run", "edm-checkerboard", "--resume", run);

        Assert.Equal(2, code);
        Assert.Contains("is a run of sit-checkerboard, not edm-checkerboard", error);
        Assert.Equal(summary, File.ReadAllText(Path.Combine(run, "summary.json")));
        Assert.Equal(samples, File.ReadAllBytes(Path.Combine(run, "samples.npy")));
    }

    [Theory]
    [InlineData("--LearningRate", "0.01", "LearningRate", "it changes the model, the data or the objective")]
    [InlineData("--Network.Hidden", "128", "Network.Hidden", "it changes the model, the data or the objective")]
    [InlineData("--Steps", "10", "Steps", "add --allow-change Steps")]
    public void AChangedSettingIsRefusedNamingIt(string key, string value, string name, string advice)
    {
        var run = Finished();
        var config = File.ReadAllText(Path.Combine(run, "config.json"));

        var (code, _, error) = Run("resume", run, key, value);

        Assert.True(code == 2, error);
        Assert.Contains($"--{name} {value} would change the run's {name}", error);
        Assert.Contains(advice, error);
        Assert.Equal(config, File.ReadAllText(Path.Combine(run, "config.json")));
        Assert.True(File.Exists(Path.Combine(run, "checkpoints", "step-00000005.ckpt")), "the finished run's checkpoint stays");
        using var store = RunStore.Open(runs);
        Assert.Equal(RunStatus.Finished, store.ListRuns(new RunQuery()).Single().Status);
    }

    [Fact]
    public void APlainResumeKeepsTheRecordedSettings()
    {
        var run = Finished();

        var (code, output, error) = Run("resume", run);

        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Equal([1, 2, 3, 4, 5], LossSteps(run));   // not trained on toward the class default of 4000 steps
        Assert.Equal(5, Checkpoints(run).Steps().Max());
    }

    [Fact]
    public void AnAllowedStepExtensionIsRecordedAsAChangeAtTheCheckpointStep()
    {
        var run = Finished();

        var (code, output, error) = Run("resume", run, "--allow-change", "Steps", "--Steps", "8");

        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], LossSteps(run));
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json")));
        Assert.Equal(8, config.RootElement.GetProperty("config").GetProperty("Steps").GetInt64());   // typed, as a fresh run writes it
        var change = Assert.Single(config.RootElement.GetProperty("changes").EnumerateArray());
        Assert.Equal((5L, "Steps", "5", "8"), (change.GetProperty("step").GetInt64(), change.GetProperty("key").GetString(),
            change.GetProperty("from").GetString(), change.GetProperty("to").GetString()));
    }

    [Fact]
    public void AnAllowChangeOfTheModelIsRefused()
    {
        var run = Finished();
        var (code, _, error) = Run("resume", run, "--allow-change", "Network.Hidden", "--Network.Hidden", "128");
        Assert.Equal(2, code);
        Assert.Contains("--allow-change Network.Hidden: a resume may change only Steps", error);
    }

    [Theory]
    [InlineData("""{"foo": 1}""")]
    [InlineData("not json")]
    [InlineData("""{"experiment": "sit-checkerboard"}""")]
    public void AFolderWithoutAValidRunRecordIsRefused(string config)
    {
        var run = Path.Combine(runs, "sit-checkerboard", "fake");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "config.json"), config);

        var (code, _, error) = Run("run", "sit-checkerboard", "--resume", run);
        var (again, _, error2) = Run("resume", run);

        Assert.True(code == 2, error);
        Assert.Contains("is not a valid run record", error);
        Assert.Equal(2, again);
        Assert.Contains("is not a valid run record", error2);
        Assert.False(File.Exists(Path.Combine(run, "metrics.jsonl")), "nothing was trained into the folder");
    }

    [Fact]
    public void ASecondWriterIsRefusedNamingThePidAndAStaleLockIsTakenOver()
    {
        var run = Finished();
        using (RunLock.Acquire(run))   // a second handle stands for a second process: flock locks are per open file
        {
            var (code, _, error) = Run("resume", run);
            Assert.Equal(2, code);
            Assert.Contains($"is in use by another process (PID {Environment.ProcessId}", error);
            Assert.Throws<RunFolderException>(() => RunLock.Acquire(run).Dispose());
        }
        // A dead process's lock file (no OS lock held on it) and PID do not block.
        File.WriteAllText(Path.Combine(run, ".lock.pid"), "999999");
        var (after, _, error3) = Run("resume", run);
        Assert.True(after == 0, error3);
        Assert.Equal(Environment.ProcessId.ToString(), File.ReadAllText(Path.Combine(run, ".lock.pid")));
    }

    /// <summary>
    /// Crashes that lose the newest checkpoint, then the newest two, each with a torn last line: the resume logs the
    /// lost steps again, and each step appears exactly once, in order, with no glued row.
    /// </summary>
    [Fact]
    public void AResumeAfterACrashLogsEveryStepExactlyOnce()
    {
        var run = Finished(steps: 7);
        foreach (var lost in new[] { 1, 2 })
        {
            var saved = Checkpoints(run).Steps();
            Assert.True(saved.Count > lost, $"checkpoints: {string.Join(", ", saved)}");
            foreach (var step in saved.TakeLast(lost)) File.Delete(Checkpoints(run).PathFor(step));
            File.AppendAllText(Path.Combine(run, "metrics.jsonl"), """{"train/loss": 0.12""");   // the write the crash tore

            var (code, output, error) = Run("resume", run);

            Assert.True(code == 0, $"exit {code}: {error}\n{output}");
            Assert.Contains($"after step {saved[^(lost + 1)]} removed", output);
            Assert.Equal([1, 2, 3, 4, 5, 6, 7], LossSteps(run));
            var steps = File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("_step").GetInt64()).ToArray();
            Assert.Equal(steps.Order(), steps);
        }
    }

    /// <summary>
    /// The run index keeps one history too: rows a crashed process indexed past the checkpoint (here an evaluation at
    /// the last step, which the resumed run does not log again) are cut back with metrics.jsonl, and the index's loss
    /// rows are the file's.
    /// </summary>
    [Fact]
    public void AResumeCutsTheRunIndexBackToTheCheckpointStep()
    {
        var run = Finished(steps: 7);
        var saved = Checkpoints(run).Steps();
        File.Delete(Checkpoints(run).PathFor(saved[^1]));
        var from = saved[^2];
        var id = Path.GetFileName(run);
        using (var index = RunStore.Open(runs)) index.AddMetrics(id, [("eval/swd", from, 0.25), ("eval/swd", 7, 0.5)]);

        var (code, output, error) = Run("resume", run);

        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        using (var index = RunStore.Open(runs))
        {
            Assert.Equal([from], index.MetricSeries(id, "eval/swd").Select(point => point.Step));
            Assert.Equal(LossSteps(run), index.MetricSeries(id, "train/loss").Select(point => point.Step));
        }
    }

    [Fact]
    public void WithoutALoadableCheckpointTheRunRefusesToRestartInPlaceUnlessAskedTo()
    {
        var run = Finished();
        foreach (var checkpoint in Directory.GetFiles(Path.Combine(run, "checkpoints"))) File.WriteAllText(checkpoint, "corrupt");
        var history = File.ReadAllText(Path.Combine(run, "metrics.jsonl"));

        var (code, _, error) = Run("resume", run);

        Assert.Equal(2, code);
        Assert.Contains("cannot continue", error);
        Assert.Contains("--restart", error);
        Assert.Equal(history, File.ReadAllText(Path.Combine(run, "metrics.jsonl")));

        var (restarted, output, error2) = Run("resume", run, "--restart");
        Assert.True(restarted == 0, $"exit {restarted}: {error2}\n{output}");
        Assert.Equal([1, 2, 3, 4, 5], LossSteps(run));   // one history, not two
    }
}
