using Research.Framework.Data;
using Research.Framework.Interfaces;
using Research.Framework.Networks;
using Research.Framework.Tests.TestSupport;
using Research.Framework.Tracking;
using Research.Framework.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Encoders;

/// <summary>
/// REPA as the paper runs it on latents: the network sees X (here a fixed downsampling of the mirrored images standing
/// in for a VAE's latents) while the encoder sees the batch's raw images (<see cref="Batch.EncoderInput"/>), carried
/// from the data set through the loader, the prefetcher, the micro-batches and the training context to the loss.
/// </summary>
public sealed class RepaOnLatentsTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("repa-latents-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    /// <summary>The stand-in for latents: 16×16 images mirrored and 2×2-averaged to 8×8, so X is no image the encoder could confuse with the raw one.</summary>
    static Tensor Latents(Tensor images) => nn.functional.avg_pool2d(images.flip(3), 2);

    /// <summary>Raw 16×16 RGB images; X their latents, EncoderInput the images; remembers what it served.</summary>
    sealed class ImagesBesideLatents(Tensor images) : IIndexedDataset
    {
        public List<Tensor> Served { get; } = [];
        public long Count => images.shape[0];
        public long[] SampleShape => [3, 8, 8];
        public int? NumClasses => null;

        public Batch Gather(Tensor indices)
        {
            var raw = images.index_select(0, indices);
            Served.Add(raw.clone().DetachFromDisposeScope());
            return new Batch(Latents(raw), null) { EncoderInput = raw };
        }
    }

    /// <summary>4×4 patch means of 16×16 images as 16 tokens of 3 features (a 2×2 grid for 8×8 input); records every input.</summary>
    sealed class RecordingEncoder : IFeatureEncoder
    {
        public List<Tensor> Seen { get; } = [];
        public int FeatureDim => 3;

        public Tensor Encode(Tensor x)
        {
            Seen.Add(x.detach().clone().DetachFromDisposeScope());
            return nn.functional.avg_pool2d(x, 4).flatten(2).transpose(1, 2);
        }
    }

    static DiT Network() => new(new DiTOptions { InputSize = 8, PatchSize = 2, InChannels = 3, HiddenSize = 32, Depth = 2, NumHeads = 2, NumClasses = null, Seed = 3 });

    static Tensor Images(int count)
    {
        using var generator = new Generator(7);
        return (rand([count, 3, 16, 16], generator: generator) * 2 - 1).DetachFromDisposeScope();
    }

    [Fact]
    public void TheAlignmentTargetIsTheEncodingOfTheRawImagesNotOfX()
    {
        using var scope = NewDisposeScope();
        var images = Images(4);
        var latents = Latents(images);
        var encoder = new RecordingEncoder();
        var repa = new Repa<SiTInterface>(new SiTInterface(Network(), TimeDist.Uniform, new SiTOptions { Seed = 1 }), encoder, new RepaOptions { Depth = 1, ProjectionDim = 16 });

        var loss = repa.Loss(latents, null, new TrainingContext(0, 10) { EncoderInput = images });

        Assert.Equal(images.data<float>().ToArray(), Assert.Single(encoder.Seen).data<float>().ToArray());
        // The alignment term recomputed from its definition with the raw images' 4×4 patch means as the target.
        var projected = repa.Projector.forward(loss.Features[0]);
        var target = nn.functional.avg_pool2d(images, 4).flatten(2).transpose(1, 2);
        var cosine = (projected * target).sum(-1) / (projected.norm(-1) * target.norm(-1));
        TensorAssert.Close(-cosine.mean([1]), loss["repa_loss"], 1e-6);
        // The same batch without the raw images aligns with X's encoding instead, which is another target.
        var fromX = repa.Loss(latents, null, new TrainingContext(0, 10));
        Assert.Equal(latents.shape, encoder.Seen[1].shape);
        Assert.True((fromX["repa_loss"] - loss["repa_loss"]).abs().max().item<float>() > 1e-3);
    }

    [Fact]
    public void RawImagesForAnotherBatchSizeAreRefused()
    {
        using var scope = NewDisposeScope();
        var images = Images(4);
        var repa = new Repa<SiTInterface>(new SiTInterface(Network(), TimeDist.Uniform, new SiTOptions { Seed = 1 }), new RecordingEncoder(), new RepaOptions { Depth = 1, ProjectionDim = 16 });
        var error = Assert.Throws<ArgumentException>(() => repa.Loss(Latents(images), null, new TrainingContext(0, 10) { EncoderInput = images.narrow(0, 0, 3) }));
        Assert.Contains("3 images for a batch of 4", error.Message);
    }

    [Fact]
    public void TheTrainerHandsEachMicroBatchsRawImagesToTheEncoder()
    {
        using var scope = NewDisposeScope();
        var data = new ImagesBesideLatents(Images(6));
        var encoder = new RecordingEncoder();
        var repa = new Repa<SiTInterface>(new SiTInterface(Network(), TimeDist.Uniform, new SiTOptions { Seed = 1 }), encoder, new RepaOptions { Depth = 1, ProjectionDim = 16 });
        using var loader = new BatchLoader(data, new BatchLoaderOptions { BatchSize = 4, Seed = 2 });
        using var prefetching = new PrefetchingBatchSource(loader);
        using var tracker = new JsonlTracker(root);
        var options = new TrainerOptions { Steps = 2, LogEvery = 2, CheckpointEvery = 2, MicroBatch = 2, Optimizer = new OptimizerOptions { LearningRate = 1e-3 } };
        using (var trainer = new Trainer(repa, prefetching, options, root, tracker, progress: new TrainingProgress(TextWriter.Null, false, 2)))
            trainer.Run();

        // Two steps of two micro-batches: four encodings of 2 raw 16×16 images each, in the order the loader served them
        // (the prefetcher reads one batch ahead, so the data set served a third).
        Assert.Equal(4, encoder.Seen.Count);
        Assert.All(encoder.Seen, seen => Assert.Equal(new long[] { 2, 3, 16, 16 }, seen.shape));
        var served = cat(data.Served.Take(2).ToArray(), 0);
        Assert.Equal(served.data<float>().ToArray(), cat(encoder.Seen.ToArray(), 0).data<float>().ToArray());
    }
}
