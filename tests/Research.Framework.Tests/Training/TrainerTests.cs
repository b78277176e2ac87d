using Research.Framework.Interfaces;
using Research.Framework.Tests.TestSupport;
using Research.Framework.Tracking;
using Research.Framework.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Training;

public sealed class TrainerTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("trainer-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    static TrainerOptions Options(long steps) => new()
    {
        Steps = steps,
        LogEvery = 5,
        CheckpointEvery = 1000,
        Optimizer = new OptimizerOptions { LearningRate = 3e-3, WeightDecay = 0.01, Schedule = new CosineSchedule(Math.Min(3, steps - 1), steps) },
        Ema = [new EmaOptions(0.9, Warmup: false), new EmaOptions(0.99, Warmup: true)],
    };

    sealed record Run(SiTInterface Model, TinyNetwork Network, Trainer Trainer, JsonlTracker Tracker) : IDisposable
    {
        public void Dispose() { Trainer.Dispose(); Tracker.Dispose(); }
    }

    Run Start(string name, TrainerOptions options, IReadOnlyList<ITrainingHook>? hooks = null)
    {
        var network = new TinyNetwork(seed: 7);
        var model = new SiTInterface(network, TimeDist.LogitNormal, new SiTOptions { Seed = 3 });
        var directory = Path.Combine(root, name);
        var tracker = new JsonlTracker(directory);
        var progress = new TrainingProgress(TextWriter.Null, interactive: false, options.Steps);
        return new Run(model, network, new Trainer(model, new MixtureData(11, 64), options, directory, tracker, hooks, progress), tracker);
    }

    static byte[][] Bits(IEnumerable<Tensor> tensors) => tensors.Select(t => t.detach().cpu().contiguous().bytes.ToArray()).ToArray();

    [Fact]
    public void ResumingIsExact()
    {
        const long n = 12;
        using var straight = Start("straight", Options(2 * n));
        straight.Trainer.Run();

        using (var cancel = new CancellationTokenSource())
        using (var first = Start("resumed", Options(2 * n), [new StopAt(n, cancel)]))
        {
            var stopped = first.Trainer.Run(cancel.Token); // a stop request after step n: checkpoint, then return
            Assert.True(stopped.Cancelled);
            Assert.Equal(n, stopped.Step);
        }
        using var second = Start("resumed", Options(2 * n));
        var resumed = second.Trainer.Run();

        Assert.Equal(n, resumed.ResumedFrom);
        Assert.Equal(2 * n, resumed.Step);
        Assert.Equal(Bits(straight.Network.parameters()), Bits(second.Network.parameters()));
        foreach (var (a, b) in straight.Trainer.EmaTracks.Zip(second.Trainer.EmaTracks))
            Assert.Equal(Bits(straight.Network.named_parameters().Select(p => a[p.name])), Bits(second.Network.named_parameters().Select(p => b[p.name])));
    }

    /// <summary>Cancels the run once it has done a given number of steps (hooks run after each due step).</summary>
    sealed class StopAt(long step, CancellationTokenSource cancel) : ITrainingHook
    {
        public long Every => step;
        public void Run(TrainingHookContext context) { if (context.Step == step) cancel.Cancel(); }
    }

    [Fact]
    public void TrainingLowersTheLossAndLogsIntervalMeans()
    {
        using var run = Start("loss", Options(200) with { LogEvery = 50, Optimizer = new OptimizerOptions { LearningRate = 3e-3 } });
        run.Trainer.Run();
        run.Tracker.Finish(0);

        var lines = File.ReadAllLines(run.Tracker.MetricsPath).Select(l => System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, double>>(l)!).ToArray();
        Assert.Equal(new[] { 50.0, 100, 150, 200 }, lines.Select(l => l["_step"]));
        Assert.All(lines, l => Assert.Contains("train/grad_norm", l.Keys));
        Assert.True(lines[^1]["train/loss"] < 0.8 * lines[0]["train/loss"], $"loss {lines[0]["train/loss"]} → {lines[^1]["train/loss"]}");
        Assert.True(File.Exists(Path.Combine(root, "loss", "checkpoints", "step-00000200.ckpt")));
    }

    /// <summary>Without clipping the trainer computes the norm itself; with a huge clip torch's clip_grad_norm_ reports it.</summary>
    [Fact]
    public void GradientNormIsTheTrueNormFromEitherPath()
    {
        double Norm(string name, double? clip)
        {
            using var run = Start(name, Options(1) with { LogEvery = 1, Optimizer = new OptimizerOptions { MaxGradNorm = clip } });
            return run.Trainer.Run().LastMetrics["train/grad_norm"];
        }
        double own = Norm("own", null), torchs = Norm("torch", 1e9);
        Assert.Equal(torchs, own, 5);
        Assert.True(own > 0);
    }

    /// <summary>
    /// The trainer keeps loss terms and gradient norms on the device between logging steps. What it logs every 4 steps
    /// is the mean of what a run logging every step reads (each step's own host reading), and step 1's loss is the
    /// loss of the first batch computed apart from any trainer.
    /// </summary>
    [Fact]
    public void IntervalMeansKeptOnTheDeviceEqualTheMeansOfPerStepReadings()
    {
        Dictionary<string, double>[] Logged(string name, long every)
        {
            using var run = Start(name, Options(8) with { LogEvery = every, Optimizer = new OptimizerOptions { LearningRate = 3e-3, MaxGradNorm = 0.5 } });
            run.Trainer.Run();
            run.Tracker.Finish(0);
            return File.ReadAllLines(run.Tracker.MetricsPath).Select(l => System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, double>>(l)!).ToArray();
        }
        var perStep = Logged("every-step", 1);
        var interval = Logged("every-4", 4);
        Assert.Equal(new[] { 4.0, 8 }, interval.Select(l => l["_step"]));
        for (int i = 0; i < interval.Length; i++)
            foreach (var key in new[] { "train/loss", "train/grad_norm" })
            {
                double mean = perStep.Skip(4 * i).Take(4).Average(l => l[key]);
                TensorAssert.Close(mean, interval[i][key], 1e-12 * Math.Abs(mean), $"{key} at step {interval[i]["_step"]}");
            }

        using var scope = NewDisposeScope();
        var model = new SiTInterface(new TinyNetwork(seed: 7), TimeDist.LogitNormal, new SiTOptions { Seed = 3 });
        var firstBatch = new MixtureData(11, 64).Next();
        double firstLoss = model.Loss(firstBatch.X, new Conditioning(), new TrainingContext(0, 8)).Loss.mean().ToDouble();
        Assert.Equal(firstLoss, perStep[0]["train/loss"], 12);
    }

    [Fact]
    public void HooksSeeTheEmaWeightsInEvalModeWithoutGradientAndTheirTimeIsNotTraining()
    {
        var seen = new List<(bool Training, bool Gradient, string Weights)>();
        var hook = new Probe(2, context =>
        {
            var network = (TinyNetwork)context.Model.Network;
            seen.Add((network.training, is_grad_enabled(), context.WeightsName));
            Thread.Sleep(1500); // counted as training, 4 steps would take ≥ 3 s: ≤ 1.3 steps/s
        });
        using var run = Start("hooks", Options(4) with { LogEvery = 4 }, [hook]);
        var result = run.Trainer.Run();

        Assert.Equal(new[] { (false, false, "ema_0.9"), (false, false, "ema_0.9") }, seen);
        Assert.True(run.Network.training);
        Assert.True(result.LastMetrics["train/steps_per_second"] > 3, $"{result.LastMetrics["train/steps_per_second"]} steps/s: hook time was counted");
    }

    sealed class Probe(long every, Action<TrainingHookContext> action, bool runsAtLastStep = true) : ITrainingHook
    {
        public long Every => every;
        public bool RunsAtLastStep => runsAtLastStep;
        public void Run(TrainingHookContext context) => action(context);
    }

    [Theory]
    [InlineData(true, new long[] { 3, 4 })]
    [InlineData(false, new long[] { 3 })]
    public void AHookRunsAtAnOffCadenceLastStepOnlyWhenItAsksTo(bool atLastStep, long[] expected)
    {
        var steps = new List<long>();
        using var run = Start($"last-{atLastStep}", Options(4) with { LogEvery = 4 }, [new Probe(3, context => steps.Add(context.Step), atLastStep)]);
        run.Trainer.Run();
        Assert.Equal(expected, steps);
    }

    [Fact]
    public void RestoreLatestLoadsTheNewestCheckpointWithoutTraining()
    {
        using (var trained = Start("restore", Options(6)))
            trained.Trainer.Run();
        using var trained2 = Start("restore-reference", Options(6));
        trained2.Trainer.Run(); // the same seeds: the weights the checkpoint holds
        using var fresh = Start("restore", Options(6));
        Assert.NotEqual(Bits(trained2.Network.parameters()), Bits(fresh.Network.parameters()));

        Assert.Equal(6, fresh.Trainer.RestoreLatest());

        Assert.Equal(Bits(trained2.Network.parameters()), Bits(fresh.Network.parameters()));
        var names = fresh.Network.named_parameters().Select(p => p.name).ToList();
        Assert.Equal(trained2.Trainer.EmaTracks[0].Updates, fresh.Trainer.EmaTracks[0].Updates);
        Assert.Equal(Bits(names.Select(n => trained2.Trainer.EmaTracks[0][n])), Bits(names.Select(n => fresh.Trainer.EmaTracks[0][n])));
        using var empty = Start("no-checkpoint", Options(6));
        Assert.Equal(-1, empty.Trainer.RestoreLatest());
    }

    [Fact]
    public void BadOptionsNameTheSetting()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Start("bad", Options(10) with { Optimizer = new OptimizerOptions { Beta2 = 1.5 } }));
        Assert.Contains("OptimizerOptions.Beta2", error.Message);
    }
}
