using Research.Framework.Compute;
using Research.Framework.Data;
using Research.Framework.Interfaces;
using Research.Framework.Networks;
using Research.Framework.Tests.TestSupport;
using Research.Framework.Tracking;
using Research.Framework.Training;
using Research.Framework.Training.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;
using OptimizerOptions = Research.Framework.Training.OptimizerOptions;

namespace Research.Framework.Tests.Training;

/// <summary>
/// Mixed precision (<c>--Precision bf16</c>): a bf16 network with float32 master weights, AdamW state and EMA. Each
/// run starts a tiny DiT from the same weights, rounded to bf16 once so that the float32 and the bf16 runs start equal.
/// </summary>
public sealed class MixedPrecisionTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("precision-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    /// <summary>
    /// How far one bf16 step's gradients (cast into the masters) may be from the float32 step's, relative to their norm:
    /// bench-precision measured ~1e-2 for bf16 passes of this DiT.
    /// </summary>
    const double GradientTolerance = 2e-2;

    /// <summary>
    /// How far the update may be. AdamW's first update is lr·g/|g| per entry, so an entry whose gradient is below the
    /// bf16 error flips sign and costs 2·lr whatever its size: measured 6.7e-2 (a 1e-3 share of flips).
    /// </summary>
    const double UpdateTolerance = 1e-1;

    [Fact]
    public void ABf16RunKeepsFloat32MastersAdamWStateAndEmaWhileTheNetworkIsBf16()
    {
        using var run = Train("types", ScalarType.BFloat16, learningRate: 1e-3);
        Assert.All(run.Network.parameters(), p => Assert.Equal(ScalarType.BFloat16, p.dtype));
        Assert.True(run.Trainer.Masters.Mixed);
        Assert.All(run.Trainer.Masters.All, m => Assert.Equal(ScalarType.Float32, m.dtype));
        var states = run.Trainer.Optimizer.state_dict().State.OfType<AdamW.State>().ToArray();
        Assert.NotEmpty(states);
        Assert.All(states, s => Assert.Equal(ScalarType.Float32, s.exp_avg.dtype));
        Assert.All(states, s => Assert.Equal(ScalarType.Float32, s.exp_avg_sq.dtype));
        foreach (var name in run.Trainer.Masters.Names) Assert.Equal(ScalarType.Float32, run.Trainer.EmaTracks[0][name].dtype);
        // The network holds the masters rounded to bf16.
        foreach (var (weight, master) in run.Network.parameters().Zip(run.Trainer.Masters.All))
            Assert.True(weight.eq(master.to_type(ScalarType.BFloat16)).all().item<bool>());
    }

    [Fact]
    public void ABf16StepIsCloseToTheFloat32StepWhileBf16WeightsAloneLoseASmallUpdate()
    {
        const double small = 1e-6;   // AdamW moves each weight by ~lr: far below half a bf16 ulp of weights of size ~0.1 (2e-4)
        var mixed = StepError(ScalarType.BFloat16, ScalarType.Float32, 1e-3);
        var mixedSmall = StepError(ScalarType.BFloat16, ScalarType.Float32, small);
        var pureSmall = StepError(null, ScalarType.BFloat16, small);
        output.WriteLine($"relative to the float32 step (gradient, update): masters lr 1e-3 {mixed}, masters lr {small:E0} {mixedSmall}, bf16 weights alone lr {small:E0} {pureSmall}");
        Assert.True(mixed.Gradient <= GradientTolerance, $"the bf16 step's gradients are {mixed.Gradient:E2} from the float32 step's");
        Assert.True(mixed.Update <= UpdateTolerance, $"the bf16 step's update is {mixed.Update:E2} from the float32 step's");
        Assert.True(mixedSmall.Update <= UpdateTolerance, $"with masters a small update is kept: {mixedSmall.Update:E2} from the float32 step's");
        Assert.True(pureSmall.Update >= 0.5, $"without masters the small update must be mostly rounded away, but it is only {pureSmall.Update:E2} off");
    }

    [Fact]
    public void AnEmaOfDecay0Point9999MovesOnTheMasters()
    {
        using var run = Train("ema", ScalarType.BFloat16, learningRate: 1e-3);
        var ema = run.Trainer.EmaTracks[0];
        double expectedNorm = 0, error = 0, bf16Error = 0;
        for (int i = 0; i < run.Start.Length; i++)
        {
            var start = run.Start[i];
            var master = run.Trainer.Masters.All[i];
            var expected = 0.0001 * (master - start);   // one update from the copy made at the start: β·θ₀ + (1 − β)·θ₁ − θ₀
            var moved = ema[run.Trainer.Masters.Names[i]] - start;
            var inBf16 = (start.to_type(ScalarType.BFloat16) * 0.9999 + master.to_type(ScalarType.BFloat16) * 0.0001).to_type(ScalarType.Float32) - start;
            expectedNorm += expected.square().sum().item<float>();
            error += (moved - expected).square().sum().item<float>();
            bf16Error += (inBf16 - expected).square().sum().item<float>();
        }
        double relative = Math.Sqrt(error / expectedNorm), bf16Relative = Math.Sqrt(bf16Error / expectedNorm);
        output.WriteLine($"EMA move against 0.0001·(θ₁ − θ₀), relative L2 error: on the float32 masters {relative:E2}, the same average in bf16 {bf16Relative:E2}");
        Assert.True(expectedNorm > 0, "the step must move the masters");
        Assert.True(relative <= 0.1, $"the EMA moved {relative:E2} off its closed form");   // float32 rounding of a 1e-7 move of weights ~0.1
        Assert.True(bf16Relative >= 0.5, $"the contrast: a bf16 EMA should lose its move, but is only {bf16Relative:E2} off");
    }

    [Fact]
    public void ACheckpointOfABf16RunLoadsIntoAFloat32NetworkAndABf16One()
    {
        using var run = Train("checkpoint", ScalarType.BFloat16, learningRate: 1e-3);
        foreach (var precision in new ScalarType?[] { null, ScalarType.BFloat16 })
        {
            var (model, network) = Model(ScalarType.Float32, precision);
            using var ema = new EmaTrack(network, new EmaOptions(0.9999));
            var checkpoint = new TrainingCheckpoint(network, [ema]);
            Assert.True(run.Trainer.Checkpoints.TryLoadLatest(checkpoint.Read, out long step, out _));
            Assert.Equal(1, step);
            var dtype = precision ?? ScalarType.Float32;
            foreach (var (weight, master) in network.parameters().Zip(run.Trainer.Masters.All))
            {
                Assert.Equal(dtype, weight.dtype);
                Assert.True(weight.eq(master.to_type(dtype)).all().item<bool>(),
                    $"the weights are the run's masters (rounded for a bf16 network); {dtype} differs by {(weight.to_type(ScalarType.Float32) - master).abs().max().item<float>():E2}");
            }
            foreach (var name in run.Trainer.Masters.Names)
                Assert.True(ema[name].to_type(ScalarType.Float32).eq(run.Trainer.EmaTracks[0][name].to_type(dtype).to_type(ScalarType.Float32)).all().item<bool>());
            using var sampled = no_grad();
            var x = model.SampleN(4, 3, 8, 8);
            var prediction = model.Pred(x, full([4], 0.5f), new Conditioning(Labels: zeros([4], ScalarType.Int64)));
            Assert.Equal(ScalarType.Float32, prediction.dtype);   // the interface's type, whatever the network's
            Assert.True(isfinite(prediction).all().item<bool>());
        }
    }

    /// <summary>‖g − g_fp32‖ / ‖g_fp32‖ and ‖Δ − Δ_fp32‖ / ‖Δ_fp32‖ of one step of the weights AdamW steps, against a float32 run.</summary>
    (double Gradient, double Update) StepError(ScalarType? precision, ScalarType dtype, double learningRate)
    {
        using var scope = NewDisposeScope();
        using var reference = Train($"fp32-{learningRate}", null, learningRate);
        using var run = Train($"{precision}-{dtype}-{learningRate}", precision, learningRate, dtype);
        double gradientDifference = 0, gradientNorm = 0, updateDifference = 0, updateNorm = 0;
        for (int i = 0; i < reference.Start.Length; i++)
        {
            var expected = reference.Trainer.Masters.All[i] - reference.Start[i];
            var actual = run.Trainer.Masters.All[i].to_type(ScalarType.Float32) - run.Start[i];
            updateDifference += (actual - expected).square().sum().item<float>();
            updateNorm += expected.square().sum().item<float>();
            if (reference.Trainer.Masters.All[i].grad is not { } g32 || run.Trainer.Masters.All[i].grad is not { } g) continue;
            gradientDifference += (g.to_type(ScalarType.Float32) - g32).square().sum().item<float>();
            gradientNorm += g32.square().sum().item<float>();
        }
        Assert.True(updateNorm > 0 && gradientNorm > 0, "the float32 step must have gradients and move the weights");
        return (Math.Sqrt(gradientDifference / gradientNorm), Math.Sqrt(updateDifference / updateNorm));
    }

    sealed record Run(Trainer Trainer, nn.Module Network, Tensor[] Start, JsonlTracker Tracker) : IDisposable
    {
        public void Dispose()
        {
            Trainer.Dispose();
            Tracker.Dispose();
        }
    }

    /// <summary>One training step (one EMA track of decay 0.9999 without warm-up, so its one update is the closed form 0.0001·(θ₁ − θ₀)), a checkpoint written at its end.</summary>
    Run Train(string name, ScalarType? precision, double learningRate, ScalarType dtype = ScalarType.Float32)
    {
        var (model, network) = Model(dtype, precision);
        var options = new TrainerOptions
        {
            Steps = 1, LogEvery = 1, CheckpointEvery = 1000, Resume = false,
            Optimizer = new OptimizerOptions { LearningRate = learningRate }, Ema = [new EmaOptions(0.9999, Warmup: false)],
        };
        var directory = Path.Combine(root, name);
        var tracker = new JsonlTracker(directory);
        var trainer = new Trainer(model, new FixedBatches([Images(dtype)]), options, directory, tracker,
            progress: new TrainingProgress(TextWriter.Null, interactive: false, options.Steps));
        var start = trainer.Masters.All.Select(m => m.detach().to_type(ScalarType.Float32).clone().DetachFromDisposeScope()).ToArray();
        trainer.Run();
        return new Run(trainer, network, start, tracker);
    }

    /// <summary>The tiny DiT, every weight random and rounded to bf16, behind a SiT interface of <paramref name="dtype"/>.</summary>
    static (SiTInterface Model, nn.Module Network) Model(ScalarType dtype, ScalarType? precision)
    {
        var network = new DiT(NetworkFactory.Tiny with { ClassDropoutProb = 0 });
        NetworkFactory.Randomize(network, seed: 5);
        using (no_grad())
            foreach (var p in network.parameters()) p.copy_(p.to_type(ScalarType.BFloat16));
        var model = new SiTInterface(network, TimeDist.LogitNormal, new SiTOptions { Seed = 3, DType = dtype });
        ModelPlacement.Place(model, precision);
        return (model, network);
    }

    static Batch Images(ScalarType dtype)
    {
        using var generator = new Generator(22);
        return new Batch(randn([32, 3, 8, 8], generator: generator).to_type(dtype).DetachFromDisposeScope(),
            randint(0, 5, [32], generator: generator).DetachFromDisposeScope());
    }
}
