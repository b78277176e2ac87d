using System.Text.Json;
using Research.Framework.Data;
using Research.Framework.Evaluation;
using Research.Framework.Runs;
using Research.Framework.Interfaces;
using Research.Framework.Samplers;
using Research.Framework.Tests.TestSupport;
using Research.Framework.Tracking;
using Research.Framework.Training;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Runs;

/// <summary>The periodic evaluation in the training loop and the shared evaluator behind it.</summary>
public sealed class EvaluationHookTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("evaluation-hook-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    static SiTInterface Model() => new(new TinyNetwork(seed: 7), TimeDist.LogitNormal, new SiTOptions { Seed = 3 });

    [Fact]
    public void TheHookLogsTheMetricsAtTheScheduledStepsWithTheirProtocols()
    {
        var model = Model();
        var evaluator = new SampleEvaluator(new Euler(4), new EightGaussians());
        var options = new TrainerOptions
        {
            Steps = 10, LogEvery = 5, CheckpointEvery = 1000,
            Optimizer = new OptimizerOptions { LearningRate = 3e-3 }, Ema = [new EmaOptions(0.9, Warmup: false)],
        };
        using (var tracker = new JsonlTracker(root))
        using (var trainer = new Trainer(model, new MixtureData(11, 64), options, root, tracker,
            [new EvaluationHook(evaluator, new EvaluationSchedule(Every: 4, Samples: 64), seed: 9)], new TrainingProgress(TextWriter.Null, false, 10)))
            trainer.Run();

        var lines = File.ReadAllLines(Path.Combine(root, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var evaluated = lines.Where(l => l.TryGetProperty("eval/swd", out _)).ToList();
        Assert.Equal([4.0, 8.0, 10.0], evaluated.Select(l => l.GetProperty("_step").GetDouble()));
        foreach (var key in new[] { "eval/swd_noise", "eval/mmd2", "eval/mmd2_noise" })
            Assert.All(evaluated, l => Assert.True(double.IsFinite(l.GetProperty(key).GetDouble())));
        var summary = JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(Path.Combine(root, "summary.json")))!;
        Assert.Equal(evaluated[^1].GetProperty("eval/swd").GetDouble(), summary["eval/swd"]);

        using var protocols = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, EvaluationLog.ProtocolsFile)));
        var swd = protocols.RootElement.GetProperty("eval/swd");
        var fields = swd.GetProperty("protocol");
        Assert.Equal("raw-2d", fields.GetProperty("Extractor").GetString());
        Assert.Equal("64", fields.GetProperty("Samples").GetString());
        Assert.Equal("Euler", fields.GetProperty("Sampler").GetString());
        Assert.Equal("4", fields.GetProperty("Steps").GetString());
        Assert.Equal("9", fields.GetProperty("Seed").GetString());
        Assert.True(swd.GetProperty("preview").GetBoolean());
        Assert.Equal(64, swd.GetProperty("protocol_hash").GetString()!.Length);
        foreach (var step in new[] { 4, 8, 10 })
            Assert.True(File.Exists(Path.Combine(root, "media", $"eval_samples_{step:D8}.png")));
    }

    /// <summary>
    /// MeanFlow's learning signals: the unweighted ‖u − target‖² at every logged step (the adaptive-weighted loss stays
    /// ≈ 1), and, when the run samples with more than one step, the one-step distance at every periodic evaluation.
    /// </summary>
    [Fact]
    public void MeanFlowLogsItsUnweightedLossAndItsOneStepDistance()
    {
        var model = new MeanFlowInterface(new TinyNetwork(seed: 7), TimeDist.Uniform,
            new MeanFlowOptions { Seed = 3, GuidanceScale = 1, GuidanceMixtureRatio = 0, CondDropRatio = 0 });
        var schedule = new EvaluationSchedule(Every: 5, Samples: 64);
        Assert.Null(EvaluationHook.OneStep(model, new EulerJump(1), new EightGaussians(), null, schedule, seed: 9));
        Assert.Null(EvaluationHook.OneStep(Model(), new Euler(4), new EightGaussians(), null, schedule, seed: 9));
        var oneStep = EvaluationHook.OneStep(model, new EulerJump(4), new EightGaussians(), null, schedule, seed: 9)!;
        var options = new TrainerOptions { Steps = 10, LogEvery = 5, CheckpointEvery = 1000, Ema = [new EmaOptions(0.9, Warmup: false)] };
        using (var tracker = new JsonlTracker(root))
        using (var trainer = new Trainer(model, new MixtureData(11, 64), options, root, tracker, [oneStep], new TrainingProgress(TextWriter.Null, false, 10)))
            trainer.Run();

        var lines = File.ReadAllLines(Path.Combine(root, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var logged = lines.Where(l => l.TryGetProperty("train/loss", out _)).ToList();
        Assert.Equal([5.0, 10.0], logged.Select(l => l.GetProperty("_step").GetDouble()));
        // L/(L + ε) < 1 always, while L itself is the untrained model's error, well above 1 here.
        Assert.All(logged, l => Assert.True(l.GetProperty("train/loss").GetDouble() < 1));
        Assert.All(logged, l => Assert.True(l.GetProperty($"train/{MeanFlowInterface.UnweightedLossKey}").GetDouble() > 1));
        var evaluated = lines.Where(l => l.TryGetProperty($"{EvaluationHook.OneStepPrefix}/swd", out _)).ToList();
        Assert.Equal([5.0, 10.0], evaluated.Select(l => l.GetProperty("_step").GetDouble()));
        using var protocols = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, EvaluationLog.ProtocolsFile)));
        var fields = protocols.RootElement.GetProperty($"{EvaluationHook.OneStepPrefix}/swd").GetProperty("protocol");
        Assert.Equal("EulerJump", fields.GetProperty("Sampler").GetString());
        Assert.Equal("1", fields.GetProperty("Steps").GetString());
        Assert.True(File.Exists(Path.Combine(root, "media", $"{EvaluationHook.OneStepPrefix}_samples_{10:D8}.png")));
    }

    [Fact]
    public void TheSameModelAndSeedGiveTheSameNumbersAndAnotherSeedOthers()
    {
        var model = Model();
        var evaluator = new SampleEvaluator(new Euler(4), new EightGaussians());
        IReadOnlyList<MetricResult> Measure(long seed)
        {
            using var noGradient = no_grad();
            using var report = evaluator.Evaluate(model, 128, seed);
            return report.Metrics;
        }

        var first = Measure(5);
        var again = Measure(5);
        var other = Measure(6);

        Assert.Equal(["SWD", "SWD noise", "MMD2", "MMD2 noise"], first.Select(m => m.Name));
        Assert.Equal(first.Select(m => m.Value), again.Select(m => m.Value));
        Assert.NotEqual(first[0].Value, other[0].Value);
        Assert.Equal(first[0].Protocol.Hash(), again[0].Protocol.Hash());
        Assert.NotEqual(first[0].Protocol.Hash(), other[0].Protocol.Hash());
    }

    [Fact]
    public void KeysCarryTheGuidanceScaleWhenThereIsGuidance()
    {
        var metric = new MetricResult("SWD noise", 1, new EvaluationProtocol { Extractor = "raw-2d", Samples = 10 });
        Assert.Equal("eval/swd_noise", EvaluationLog.Key("eval", metric, 1.0));
        Assert.Equal("eval/swd_noise_g1.5", EvaluationLog.Key("eval", metric, 1.5));
    }

    [Fact]
    public void AScheduleNeedsAPositiveIntervalAndSamples()
    {
        Assert.Empty(new EvaluationSettings { Every = 0, Samples = 100 }.Schedules());
        Assert.Equal([new EvaluationSchedule(50, 100, 1.0), new EvaluationSchedule(50, 100, 2.5)],
            new EvaluationSettings { Every = 50, Samples = 100, GuidanceScales = " 1, 2.5 " }.Schedules());
        Assert.Contains("'two' in \"1,two\"", Assert.Throws<ArgumentException>(() => new EvaluationSettings { Every = 5, GuidanceScales = "1,two" }.Schedules()).Message);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => new EvaluationSettings { Every = 5, GuidanceScales = " , " }.Schedules()).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new EvaluationSettings { Every = 5, Samples = 1 }.Schedules());
        Assert.Throws<ArgumentOutOfRangeException>(() => new EvaluationHook(new SampleEvaluator(new Euler(2), new EightGaussians()), new EvaluationSchedule(0, 100), 1));
    }
}
