using Research.Framework.Data;
using Research.Framework.Encoders;
using Research.Framework.Interfaces;
using Research.Framework.Networks;
using Research.Framework.Tests.TestSupport;
using Research.Framework.Tracking;
using Research.Framework.Training;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Encoders;

/// <summary>REPA + SiT + a tiny DiT trains through the real trainer with the offline encoder as its target.</summary>
public sealed class RepaWithConvEncoderTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("repa-conv-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void TheTrainerUpdatesTheProjectorAndLogsTheAlignmentLoss()
    {
        var data = SquaresData.Create(32, 8);
        // 8×8 images → a 2×2 encoder grid, resized by REPA to the DiT's 4×4 tokens.
        var encoder = ConvFeatureEncoder.Train(data, ConvFeatureEncoderTests.Small, ConvFeatureEncoderTests.Short with { Steps = 20 });
        var dit = new DiT(new DiTOptions { InputSize = 8, PatchSize = 2, InChannels = 1, HiddenSize = 32, Depth = 2, NumHeads = 2, NumClasses = null, Seed = 3 });
        var repa = new Repa<SiTInterface>(new SiTInterface(dit, TimeDist.Uniform, new SiTOptions { Seed = 1 }), encoder,
            new RepaOptions { Depth = 1, ProjectionDim = 16 });
        var projectorBefore = repa.Projector.parameters().Select(p => p.detach().clone()).ToArray();
        var encoderBefore = encoder.parameters().Select(p => p.detach().clone()).ToArray();
        using var loader = new BatchLoader(data, new BatchLoaderOptions { BatchSize = 8, Seed = 2 });
        using var tracker = new JsonlTracker(root);
        var options = new TrainerOptions { Steps = 3, LogEvery = 3, CheckpointEvery = 3, Optimizer = new OptimizerOptions { LearningRate = 1e-3 }, Ema = [new EmaOptions(0.9, Warmup: false)] };
        using var trainer = new Trainer(repa, loader, options, root, tracker, progress: new TrainingProgress(TextWriter.Null, false, 3));

        trainer.Run();

        var after = repa.Projector.parameters().ToArray();
        Assert.All(projectorBefore.Zip(after), pair => Assert.NotEqual(TensorAssert.Values(pair.First), TensorAssert.Values(pair.Second)));
        Assert.All(encoderBefore.Zip(encoder.parameters()), pair => Assert.Equal(TensorAssert.Values(pair.First), TensorAssert.Values(pair.Second)));
        var metrics = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllLines(tracker.MetricsPath)[^1])!;
        Assert.InRange(metrics["train/repa_loss"], -1, 1); // a mean negative cosine
        Assert.True(double.IsFinite(metrics["train/diffusion_loss"]));
    }
}
