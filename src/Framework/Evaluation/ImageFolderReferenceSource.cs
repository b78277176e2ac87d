using System.Collections.Concurrent;
using Research.Framework.Data;
using Research.Framework.Data.Images;
using static TorchSharp.torch;

namespace Research.Framework.Evaluation;

/// <summary>
/// The reference of an image-folder experiment: the images the <see cref="ImageFolder"/> held back from training
/// (<see cref="ImageFolderOptions.HoldOut"/>), in the feature space of pytorch-fid's Inception-v3 when
/// <see cref="ImageFolderOptions.InceptionWeights"/> names its weights file, else of the weight-free
/// <see cref="PixelFeatureExtractor"/>. FD uses the statistics of up to <see cref="MaxImages"/> held-back images,
/// precision and recall the features of up to <see cref="MaxManifold"/> of them (evenly spaced in path order).
/// No images held back: no reference, and the runs write samples without numbers. A latent data set over a folder
/// (<see cref="IEncodedImages"/>) is measured against its folder's held-back images, its samples decoded first.
/// </summary>
public sealed class ImageFolderReferenceSource : IImageReferenceSource
{
    /// <summary>The most held-back images whose features make the FD statistics.</summary>
    public const int MaxImages = 10_000;

    /// <summary>The most reference points for precision and recall (their k-NN radii are computed at each evaluation).</summary>
    public const int MaxManifold = 5_000;

    const int Batch = 256;

    /// <summary>
    /// One reference per folder listing, held-back share and decoding for the process (sweep trials and evaluations
    /// share it); the share is in the key because it chooses the images, so a sweep over Dataset.HoldOut gets each
    /// trial's own.
    /// </summary>
    static readonly ConcurrentDictionary<(string, double, int, int, string), Lazy<ImageReference?>> Built = new();

    /// <summary>Refused: the reference is the folder's held-back images, so it needs the data set.</summary>
    public ImageReference Reference(string cacheRoot, int trainingSteps) =>
        throw new InvalidOperationException($"{nameof(ImageFolderReferenceSource)} needs the {nameof(ImageFolder)} data set whose held-back images it measures against.");

    /// <inheritdoc />
    public ImageReference? Reference(IDataset dataset, string cacheRoot, int trainingSteps)
    {
        // A latent set over a folder (IEncodedImages) decodes its samples to images, measured against the folder's.
        if (((dataset as IEncodedImages)?.Images ?? dataset) is not ImageFolder folder)
            throw new ArgumentException($"{nameof(ImageFolderReferenceSource)} measures against an {nameof(ImageFolder)}'s held-back images; the data set is {dataset?.GetType().Name ?? "null"}.");
        var options = folder.Options;
        var key = (folder.Index.FolderHash, options.HoldOut, options.Resolution, options.Channels, options.InceptionWeights);
        return Built.GetOrAdd(key, _ => new Lazy<ImageReference?>(() => Build(folder))).Value;
    }

    static ImageReference? Build(ImageFolder folder)
    {
        using var held = folder.HeldOut();
        if (held is null)
        {
            Console.Error.WriteLine($"warning: no images of {folder.Options.Folder} are held back (Dataset.HoldOut {folder.Options.HoldOut}), so there is no FD, precision or recall");
            return null;
        }
        IFeatureExtractor extractor = folder.Options.InceptionWeights is { Length: > 0 } weights
            ? FidInceptionExtractor.LoadPyTorch(weights)
            : new PixelFeatureExtractor(folder.Options.Channels);
        using var scope = NewDisposeScope();
        var chosen = Spaced(held.Count, MaxImages);
        var parts = new List<Tensor>();
        for (int start = 0; start < chosen.Length; start += Batch)
        {
            using var batchScope = NewDisposeScope();
            using var indices = tensor(chosen.AsSpan(start, Math.Min(Batch, chosen.Length - start)).ToArray(), ScalarType.Int64);
            var batch = held.Gather(indices);
            batch.Labels?.Dispose();
            parts.Add(FeatureExtraction.Features(extractor, batch.X).MoveToOuterDisposeScope());
        }
        var features = cat(parts, 0);
        var statistics = FeatureStatistics.FromFeatures(features);
        var manifold = features.index_select(0, tensor(Spaced(features.shape[0], MaxManifold), ScalarType.Int64));
        return new ImageReference(extractor, statistics, manifold.DetachFromDisposeScope());
    }

    /// <summary>Up to <paramref name="most"/> indices spread evenly over 0…count−1.</summary>
    static long[] Spaced(long count, int most) =>
        count <= most ? [.. Enumerable.Range(0, (int)count).Select(i => (long)i)] : [.. Enumerable.Range(0, most).Select(i => i * count / most)];
}
