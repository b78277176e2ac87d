using Research.Framework.Data;
using Research.Framework.Interfaces;
using Research.Framework.Networks;
using Research.Framework.Tests.TestSupport;
using Research.Framework.Tracking;
using Research.Framework.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Training;

/// <summary>
/// Gradient accumulation: a step over micro-batches equals the step over the whole batch. In float64, with the
/// interface's own draws: the draws are per sample from separate streams (time, noise, label dropout), and libtorch's
/// CPU generators give a block of draws in pieces exactly as in one call when every piece of normal draws is a
/// multiple of 16 values (its normal fill works in blocks of 16; uniform draws are serial). The micro-batches below
/// are 16 samples, so time, noise and label-dropout draws match the single batch number for number.
/// </summary>
public sealed class MicroBatchTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("microbatch-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    /// <summary>Float64 rounding: sums in another order differ by ~1e-15 (measured); a wrong micro-batch weight moved the weights by 2e-12 and the gradients by far more.</summary>
    const double GradientTolerance = 1e-13, WeightTolerance = 1e-13;

    [Fact]
    public void AccumulatedStepsMatchOneBatchOnToyMlp()
    {
        static nn.Module Network() => new ToyMlp(new ToyMlpOptions { Hidden = 32, Depth = 2, FrequencyEmbedSize = 16 }).to(ScalarType.Float64);
        var whole = Train("mlp-whole", Network, null, Points(64), clip: null);
        var micro = Train("mlp-micro", Network, 16, Points(64), clip: null);
        AssertSameTraining(whole, micro);
    }

    [Fact]
    public void AccumulatedStepsMatchOneBatchOnATinyDiTWithLabelDropout()
    {
        static nn.Module Network()
        {
            var network = new DiT(NetworkFactory.Tiny with { ClassDropoutProb = 0.3 });
            NetworkFactory.Randomize(network, seed: 5);   // adaLN-Zero outputs 0 at init: make every weight matter
            return network.to(ScalarType.Float64);
        }
        var whole = Train("dit-whole", Network, null, Images(32), clip: 1.0);
        var micro = Train("dit-micro", Network, 16, Images(32), clip: 1.0);
        AssertSameTraining(whole, micro);
    }

    [Fact]
    public void AMicroBatchThatDoesNotDivideTheBatchIsRefusedByName()
    {
        using var scope = NewDisposeScope();
        var batch = new Batch(zeros(12, 2), null);
        var error = Assert.Throws<ArgumentException>(() => MicroBatches.Of(batch, 5));
        Assert.Contains("MicroBatch 5", error.Message);
        Assert.Equal([0.25, 0.25, 0.25, 0.25], MicroBatches.Of(batch, 3).Select(m => m.Weight));
        Assert.Single(MicroBatches.Of(batch, null));
    }

    sealed record Trained(double[][] Weights, double[][] Gradients, IReadOnlyList<Dictionary<string, double>> Metrics);

    Trained Train(string name, Func<nn.Module> network, int? microBatch, IReadOnlyList<Batch> batches, double? clip)
    {
        var module = network();
        var model = new SiTInterface((IDiffusionNetwork)module, TimeDist.LogitNormal, new SiTOptions { Seed = 3, DType = ScalarType.Float64 });
        var options = new TrainerOptions
        {
            Steps = batches.Count, LogEvery = 1, CheckpointEvery = 1000, Resume = false, MicroBatch = microBatch,
            Optimizer = new OptimizerOptions { LearningRate = 1e-3, MaxGradNorm = clip }, Ema = [],
        };
        var directory = Path.Combine(root, name);
        using (var tracker = new JsonlTracker(directory))
        using (var trainer = new Trainer(model, new FixedBatches(batches), options, directory, tracker,
            progress: new TrainingProgress(TextWriter.Null, interactive: false, options.Steps)))
        {
            trainer.Run();
            tracker.Finish(0);
        }
        var parameters = module.parameters().ToArray();
        var metrics = File.ReadAllLines(Path.Combine(directory, "metrics.jsonl"))
            .Select(l => System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, double>>(l)!).ToArray();
        return new Trained(parameters.Select(p => TensorAssert.Values(p)).ToArray(),
            parameters.Select(p => p.grad is { } g ? TensorAssert.Values(g) : []).ToArray(), metrics);
    }

    /// <summary>
    /// Same last-step gradients (relative to the largest entry), same logged loss and gradient norm at every step, same
    /// weights. The weights are the weakest check (AdamW's update hardly depends on the gradient's scale); the gradients
    /// and the logged norm catch a wrong micro-batch weight.
    /// </summary>
    void AssertSameTraining(Trained whole, Trained micro)
    {
        double scale = whole.Gradients.SelectMany(g => g).Max(Math.Abs);
        Assert.True(scale > 1e-6, "the gradients must not vanish, or the comparison proves nothing");
        double gradientError = 0, weightError = 0;
        for (int i = 0; i < whole.Weights.Length; i++)
        {
            for (int j = 0; j < whole.Gradients[i].Length; j++)
                gradientError = Math.Max(gradientError, Math.Abs(whole.Gradients[i][j] - micro.Gradients[i][j]) / scale);
            for (int j = 0; j < whole.Weights[i].Length; j++)
                weightError = Math.Max(weightError, Math.Abs(whole.Weights[i][j] - micro.Weights[i][j]));
        }
        output.WriteLine($"largest gradient difference {gradientError:E2} (relative to the largest gradient), largest weight difference {weightError:E2}");
        Assert.True(gradientError <= GradientTolerance, $"gradients differ by {gradientError:E2} of the largest gradient");
        Assert.Equal(whole.Metrics.Count, micro.Metrics.Count);
        foreach (var (a, b) in whole.Metrics.Zip(micro.Metrics))
            foreach (var key in new[] { "train/loss", "train/grad_norm" })
                TensorAssert.Close(a[key], b[key], 1e-12 * Math.Abs(a[key]), $"{key} at step {a["_step"]}");
        Assert.True(weightError <= WeightTolerance, $"weights differ by {weightError:E2}");
    }

    /// <summary>Three fixed float64 batches (also the data-parallel tests').</summary>
    internal static IReadOnlyList<Batch> Points(int batch)
    {
        using var generator = new Generator(21);
        return Enumerable.Range(0, 3).Select(_ => new Batch(randn([batch, 2], ScalarType.Float64, generator: generator).DetachFromDisposeScope(), null)).ToArray();
    }

    /// <summary>Three fixed float64 batches (also the data-parallel tests').</summary>
    internal static IReadOnlyList<Batch> Images(int batch)
    {
        using var generator = new Generator(22);
        return Enumerable.Range(0, 3).Select(_ => new Batch(
            randn([batch, 3, 8, 8], ScalarType.Float64, generator: generator).DetachFromDisposeScope(),
            randint(0, 5, [batch], generator: generator).DetachFromDisposeScope())).ToArray();
    }
}
