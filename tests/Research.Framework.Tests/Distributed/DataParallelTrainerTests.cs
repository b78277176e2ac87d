using Research.Framework.Data;
using Research.Framework.Distributed;
using Research.Framework.Interfaces;
using Research.Framework.Networks;
using Research.Framework.Tests.TestSupport;
using Research.Framework.Tracking;
using Research.Framework.Training;
using Research.Framework.Training.Checkpoints;
using Research.Framework.Tests.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Distributed;

/// <summary>
/// The trainer's data parallelism in float64, with ranks as threads (<see cref="ThreadWorld"/>): W ranks on slices of each
/// batch, with micro-batches inside each rank, take the steps of one process on the whole batch. Exact up to float64
/// rounding (sums in another order, ~1e-15): the draws of each rank are the slice of the global batch's draws (in blocks
/// of 16 normal values, see MicroBatchTests), the gradients the mean of the ranks' means.
/// </summary>
public sealed class DataParallelTrainerTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("data-parallel-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    const double Tolerance = 1e-12;

    [Fact]
    public void TwoRanksWithMicroBatchesTrainToyMlpAsOneProcess()
    {
        static nn.Module Network() => new ToyMlp(new ToyMlpOptions { Hidden = 32, Depth = 2, FrequencyEmbedSize = 16 }).to(ScalarType.Float64);
        var one = Train("mlp", Network, MicroBatchTests.Points(64), null, microBatch: null, clip: null)[0];
        var two = Train("mlp", Network, MicroBatchTests.Points(64), ThreadWorld.Create(2), microBatch: 16, clip: null);
        AssertSame(one, two);
    }

    [Fact]
    public void FourRanksTrainATinyDiTWithLabelDropoutAndClippingAsOneProcess()
    {
        static nn.Module Network()
        {
            var network = new DiT(NetworkFactory.Tiny with { ClassDropoutProb = 0.3 });
            NetworkFactory.Randomize(network, seed: 5);   // adaLN-Zero outputs 0 at init: make every weight matter
            return network.to(ScalarType.Float64);
        }
        var one = Train("dit", Network, MicroBatchTests.Images(64), null, microBatch: null, clip: 0.5)[0];
        var four = Train("dit", Network, MicroBatchTests.Images(64), ThreadWorld.Create(4), microBatch: null, clip: 0.5);
        AssertSame(one, four);
    }

    [Fact]
    public void RankZeroAloneWritesCheckpointsAndABatchTheRanksCannotSplitIsRefused()
    {
        static nn.Module Network() => new ToyMlp(new ToyMlpOptions { Hidden = 8, Depth = 1, FrequencyEmbedSize = 8 }).to(ScalarType.Float64);
        Train("writer", Network, MicroBatchTests.Points(64), ThreadWorld.Create(2), microBatch: null, clip: null);
        Assert.NotEmpty(new CheckpointStore(CheckpointStore.FolderOf(Path.Combine(root, "writer-0"))).Steps());
        Assert.Empty(new CheckpointStore(CheckpointStore.FolderOf(Path.Combine(root, "writer-1"))).Steps());
        var error = Assert.Throws<AggregateException>(() => Train("odd", Network, MicroBatchTests.Points(63), ThreadWorld.Create(2), microBatch: null, clip: null));
        Assert.Contains("BatchSize 63 must be divisible by the number of processes (2)", error.InnerException!.Message);
    }

    sealed record Trained(double[][] Weights, double[] Losses, double[] Norms);

    /// <summary>Trains on <paramref name="batches"/> in one process (world null) or on every rank of <paramref name="world"/>, each rank in folder name-rank.</summary>
    Trained[] Train(string name, Func<nn.Module> network, IReadOnlyList<Batch> batches, ICommunicator[]? world, int? microBatch, double? clip)
    {
        Trained One(ICommunicator? communicator)
        {
            var module = network();
            if (communicator is { Rank: > 0 })   // different weights on the other ranks: the broadcast must replace them
                using (no_grad()) foreach (var p in module.parameters()) p.add_(1.0);
            var model = new SiTInterface((IDiffusionNetwork)module, TimeDist.LogitNormal, new SiTOptions { Seed = 3, DType = ScalarType.Float64 });
            var options = new TrainerOptions
            {
                Steps = batches.Count, LogEvery = 1, CheckpointEvery = 2, Resume = false, MicroBatch = microBatch,
                Optimizer = new OptimizerOptions { LearningRate = 1e-3, MaxGradNorm = clip }, Ema = [new EmaOptions(0.9)],
            };
            var directory = Path.Combine(root, communicator is null ? $"{name}-one" : $"{name}-{communicator.Rank}");
            using (var tracker = new JsonlTracker(directory))
            using (var trainer = new Trainer(model, new FixedBatches(batches), options, directory, tracker,
                progress: new TrainingProgress(TextWriter.Null, interactive: false, options.Steps), world: communicator))
            {
                trainer.Run();
                tracker.Finish(0);
            }
            var metrics = File.ReadAllLines(Path.Combine(directory, "metrics.jsonl"))
                .Select(l => System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, double>>(l)!).ToArray();
            return new Trained(module.parameters().Select(p => TensorAssert.Values(p)).ToArray(),
                metrics.Select(m => m["train/loss"]).ToArray(), metrics.Select(m => m["train/grad_norm"]).ToArray());
        }
        return world is null ? [One(null)] : ThreadWorld.Run(world, One);
    }

    /// <summary>Every rank ends with one process's weights, and logs its losses and gradient norms (the means over the ranks).</summary>
    void AssertSame(Trained one, Trained[] ranks)
    {
        foreach (var rank in ranks)
        {
            double error = 0;
            for (int i = 0; i < one.Weights.Length; i++)
                for (int j = 0; j < one.Weights[i].Length; j++)
                    error = Math.Max(error, Math.Abs(one.Weights[i][j] - rank.Weights[i][j]));
            output.WriteLine($"largest weight difference {error:E2}");
            Assert.True(error <= Tolerance, $"weights differ by {error:E2}");
            Assert.Equal(one.Losses.Length, rank.Losses.Length);
            for (int s = 0; s < one.Losses.Length; s++)
            {
                TensorAssert.Close(one.Losses[s], rank.Losses[s], 1e-12 * Math.Abs(one.Losses[s]), $"loss at step {s + 1}");
                TensorAssert.Close(one.Norms[s], rank.Norms[s], 1e-12 * Math.Abs(one.Norms[s]), $"gradient norm at step {s + 1}");
            }
        }
    }
}
