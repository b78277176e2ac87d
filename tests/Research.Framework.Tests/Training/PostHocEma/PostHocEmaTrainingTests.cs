using Research.Framework.Interfaces;
using Research.Framework.Tests.TestSupport;
using Research.Framework.Tracking;
using Research.Framework.Training;
using Research.Framework.Training.PostHocEma;
using Xunit;

namespace Research.Framework.Tests.Training.PostHocEma;

/// <summary>The trainer keeps the power-function profiles, snapshots them at the cadence and resumes them exactly.</summary>
public sealed class PostHocEmaTrainingTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("phema-trainer-").FullName;
    readonly List<JsonlTracker> trackers = [];

    public void Dispose()
    {
        foreach (var tracker in trackers) tracker.Dispose();
        Directory.Delete(root, recursive: true);
    }

    static TrainerOptions Options(long steps) => new()
    {
        Steps = steps,
        LogEvery = 5,
        CheckpointEvery = 4,
        KeepLastCheckpoints = 1,
        Optimizer = new OptimizerOptions { LearningRate = 3e-3 },
        Ema = [new EmaOptions(0.99)],
        PostHocEma = new PostHocEmaOptions(SnapshotEvery: 5),
    };

    Trainer Start(string name, TrainerOptions options, IReadOnlyList<ITrainingHook>? hooks = null)
    {
        var network = new TinyNetwork(seed: 7);
        var model = new SiTInterface(network, TimeDist.LogitNormal, new SiTOptions { Seed = 3 });
        var progress = new TrainingProgress(TextWriter.Null, interactive: false, options.Steps);
        var tracker = new JsonlTracker(Path.Combine(root, name));
        trackers.Add(tracker);
        return new Trainer(model, new MixtureData(11, 64), options, Path.Combine(root, name), tracker, hooks, progress);
    }

    Dictionary<string, byte[]> Snapshots(string name) =>
        Directory.EnumerateFiles(new RunLayout(Path.Combine(root, name)).PostHocEma).ToDictionary(path => Path.GetFileName(path), File.ReadAllBytes);

    [Fact]
    public void SnapshotsSurviveResumeExactlyAndCheckpointPruning()
    {
        const long n = 12;
        using (var straight = Start("straight", Options(2 * n)))
        {
            straight.Run();
            Assert.Equal(["ema_0.99", "phema_0.05", "phema_0.1"], straight.EmaTracks.Select(t => t.Options.TrackName));
            Assert.Equal("ema_0.99", straight.SamplingWeightsName);
        }
        using (var cancel = new CancellationTokenSource())
        using (var first = Start("resumed", Options(2 * n), [new StopAt(n, cancel)]))
            Assert.True(first.Run(cancel.Token).Cancelled);
        using (var second = Start("resumed", Options(2 * n)))
            Assert.Equal(n, second.Run().ResumedFrom);

        var straightFiles = Snapshots("straight");
        // Steps 5, 10, 15, 20 and the last (24), each of σ_rel 0.05 and 0.10; checkpoint retention kept one checkpoint.
        Assert.Equal(
            new[] { 5L, 10, 15, 20, 24 }.SelectMany(step => new[] { PostHocEmaSnapshots.FileName(step, 0.05), PostHocEmaSnapshots.FileName(step, 0.10) }).Order(),
            straightFiles.Keys.Order());
        Assert.Single(Directory.EnumerateFiles(new RunLayout(Path.Combine(root, "straight")).Checkpoints, "*.ckpt"));
        var resumedFiles = Snapshots("resumed");
        Assert.Equal(straightFiles.Keys.Order(), resumedFiles.Keys.Order());
        foreach (var (file, bytes) in straightFiles) Assert.Equal(bytes, resumedFiles[file]);
    }

    sealed class StopAt(long step, CancellationTokenSource cancel) : ITrainingHook
    {
        public long Every => step;
        public void Run(TrainingHookContext context) { if (context.Step == step) cancel.Cancel(); }
    }
}
