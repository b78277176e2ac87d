using Research.Framework.Data;
using static TorchSharp.torch;

namespace Research.Framework.Evaluation;

/// <summary>
/// Where an image experiment's sample-quality numbers come from (named by <see cref="Experiments.EvaluateAttribute.Reference"/>):
/// a type with a public parameterless constructor that returns a feature extractor and the statistics and features of
/// real data in its space, built offline (a cached, hash-checked network; nothing is downloaded).
/// </summary>
public interface IImageReferenceSource
{
    /// <summary>The reference; the extractor is cached under <paramref name="cacheRoot"/>/.cache and trained (on a miss) for <paramref name="trainingSteps"/> steps.</summary>
    ImageReference Reference(string cacheRoot, int trainingSteps);

    /// <summary>
    /// The reference for <paramref name="dataset"/> (what the generated plan calls): a source whose reference is part
    /// of the data (held-back images of a folder) overrides this; the others ignore the data set. Null: no reference.
    /// </summary>
    ImageReference? Reference(IDataset dataset, string cacheRoot, int trainingSteps) => Reference(cacheRoot, trainingSteps);
}

/// <summary>
/// The offline default for Fashion-MNIST: the <see cref="FashionMnistFeatureNet"/> (trained in-process, cached by its
/// SHA-256) and the features of the 10,000 test images, 32×32-padded like the experiments' data. FD compares samples
/// with the test split's statistics; precision and recall use the features of every second test image.
/// </summary>
public sealed class FashionMnistReferenceSource : IImageReferenceSource
{
    /// <summary>
    /// One reference per cache folder and training length for the process: every plan of a sweep's trials, and the
    /// periodic and final evaluations, share it instead of re-extracting 10,000 test images' features each time.
    /// </summary>
    static readonly System.Collections.Concurrent.ConcurrentDictionary<(string, int), Lazy<ImageReference>> Built = new();

    /// <inheritdoc />
    public ImageReference Reference(string cacheRoot, int trainingSteps) =>
        Built.GetOrAdd((Path.GetFullPath(cacheRoot), trainingSteps), key => new Lazy<ImageReference>(() => Build(key.Item1, key.Item2))).Value;

    static ImageReference Build(string cacheRoot, int trainingSteps)
    {
        var net = FashionMnistFeatureNet.LoadOrTrain(new FashionMnistFeatureOptions
        {
            Steps = trainingSteps,
            CacheFolder = Path.Combine(cacheRoot, ".cache", "fmnist-features"),
        });
        using var scope = NewDisposeScope();
        using var test = FashionMnist.Load(new FashionMnistOptions { Train = false, PadTo32 = true });
        var images = test.Gather(arange(test.Count, ScalarType.Int64)).X;
        var features = FeatureExtraction.Features(net, images);
        var statistics = FeatureStatistics.FromFeatures(features);
        // Precision and recall find k-NN radii among the reference points on every evaluation: every second test image
        // (5,000, all classes) keeps that to seconds, while FD uses the statistics of all 10,000.
        var manifold = features.index_select(0, arange(0, features.shape[0], 2, ScalarType.Int64));
        // The reference outlives this scope (FeatureStatistics keeps its own copies outside any scope).
        return new ImageReference(net, statistics, manifold.DetachFromDisposeScope());
    }
}
