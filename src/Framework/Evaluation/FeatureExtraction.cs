using static TorchSharp.torch;

namespace Research.Framework.Evaluation;

/// <summary>Runs an <see cref="IFeatureExtractor"/> over many images in batches, each in its own dispose scope.</summary>
public static class FeatureExtraction
{
    /// <summary>Streams the images (N, C, H, W) through the extractor into float64 statistics, holding one batch of features at a time.</summary>
    public static FeatureStatistics Statistics(IFeatureExtractor extractor, Tensor images, int batchSize = 256)
    {
        using var accumulator = new MomentAccumulator();
        ForEachBatch(extractor, images, batchSize, accumulator.Add);
        return accumulator.ToStatistics();
    }

    /// <summary>All features (N, D) as float64 on the CPU (for precision/recall, which needs the points themselves).</summary>
    public static Tensor Features(IFeatureExtractor extractor, Tensor images, int batchSize = 256)
    {
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        ForEachBatch(extractor, images, batchSize, f => parts.Add(f.detach().to_type(ScalarType.Float64).cpu().MoveToOuterDisposeScope()));
        return cat(parts, 0).MoveToOuterDisposeScope();
    }

    private static void ForEachBatch(IFeatureExtractor extractor, Tensor images, int batchSize, Action<Tensor> consume)
    {
        ArgumentNullException.ThrowIfNull(extractor);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (images.dim() != 4) throw new ArgumentException($"Images must be (N, C, H, W); got [{string.Join(", ", images.shape)}].", nameof(images));
        long n = images.shape[0];
        for (long start = 0; start < n; start += batchSize)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            consume(extractor.Features(images.narrow(0, start, Math.Min(batchSize, n - start))));
        }
    }
}
