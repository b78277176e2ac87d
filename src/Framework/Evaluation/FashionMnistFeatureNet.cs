using Research.Framework.Training;
using System.Text.Json;
using Research.Framework.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Evaluation;

/// <summary>
/// The offline default feature space for Fashion-MNIST, where the Inception weights are unavailable and in any case
/// ill-suited to 28×28 grey images: a <see cref="FashionMnistClassifier"/> trained in-process on the training split
/// (seeded, a few hundred Adam steps), its accuracy on the test split reported, and its weights cached under
/// <see cref="FashionMnistFeatureOptions.CacheFolder"/> with a SHA-256 sidecar (<see cref="HashSidecar"/>) checked on load (a mismatch retrains).
/// Accepts (B, 1, 28, 28) or padded (B, 1, 32, 32) images in [−1, 1].
/// </summary>
public sealed class FashionMnistFeatureNet : IFeatureExtractor, IDisposable
{
    private readonly FashionMnistClassifier network;

    private FashionMnistFeatureNet(FashionMnistClassifier network, string weightsHash, double testAccuracy, bool fromCache)
    {
        this.network = network;
        network.eval();
        WeightsHash = weightsHash;
        TestAccuracy = testAccuracy;
        FromCache = fromCache;
    }

    /// <inheritdoc />
    public string Name => "fmnist-cnn";

    /// <inheritdoc />
    public string WeightsHash { get; }

    /// <inheritdoc />
    public int FeatureDimension => FashionMnistClassifier.FeatureDimension;

    /// <summary>Top-1 accuracy on the test split (or its configured subset), measured right after training.</summary>
    public double TestAccuracy { get; }

    /// <summary>True when the weights came from a verified cache file rather than from training in this call.</summary>
    public bool FromCache { get; }

    /// <summary>Loads the cached network for these options if its SHA-256 checks out; otherwise trains and caches it.</summary>
    public static FashionMnistFeatureNet LoadOrTrain(FashionMnistFeatureOptions? options = null)
    {
        options ??= new FashionMnistFeatureOptions();
        var (weights, record) = CachePaths(options);
        if (TryLoad(weights, record) is { } cached) return cached;
        return Train(options, weights, record);
    }

    /// <summary>The cache file and its JSON record (hash and accuracy) for these options.</summary>
    public static (string Weights, string Record) CachePaths(FashionMnistFeatureOptions options)
    {
        string stem = Path.Combine(options.CacheFolder, $"fmnist-cnn-{options.CacheKey()}");
        return (stem + ".dat", stem + ".json");
    }

    /// <inheritdoc />
    public Tensor Features(Tensor images)
    {
        if (images.dim() != 4 || images.shape[1] != 1 || !((images.shape[2] == 28 && images.shape[3] == 28) || (images.shape[2] == 32 && images.shape[3] == 32)))
            throw new ArgumentException($"Fashion-MNIST features need images (B, 1, 28 or 32, 28 or 32); got [{string.Join(", ", images.shape)}].", nameof(images));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = images.to_type(ScalarType.Float32).cpu();
        if (x.shape[2] == 28) x = nn.functional.pad(x, [2, 2, 2, 2], value: -1);
        return network.Features(x).MoveToOuterDisposeScope();
    }

    /// <summary>What the cache records beside the weights (their integrity is the <see cref="HashSidecar"/>'s job).</summary>
    private sealed record CacheRecord(double TestAccuracy);

    private static FashionMnistFeatureNet? TryLoad(string weights, string record)
    {
        if (!File.Exists(record) || !HashSidecar.Matches(weights)) return null;
        CacheRecord? saved;
        try { saved = JsonSerializer.Deserialize<CacheRecord>(File.ReadAllText(record)); }
        catch (JsonException) { return null; }
        if (saved is null) return null;
        using var generator = new Generator(0, CPU);
        var network = new FashionMnistClassifier(generator);
        network.load(weights, strict: true);
        return new FashionMnistFeatureNet(network, HashSidecar.Recorded(weights)!, saved.TestAccuracy, fromCache: true);
    }

    private static FashionMnistFeatureNet Train(FashionMnistFeatureOptions options, string weights, string record)
    {
        using var generator = new Generator(unchecked((ulong)options.Seed), CPU);
        var network = new FashionMnistClassifier(generator);
        using (var train = FashionMnist.Load(new FashionMnistOptions { Folder = options.DataFolder, Train = true, PadTo32 = true }))
        {
            var training = new ClassifierTrainingOptions { Steps = options.Steps, BatchSize = options.BatchSize, LearningRate = options.LearningRate, Seed = options.Seed };
            ClassifierTraining.Train(network, network.forward, options.TrainSubset is int subset ? new IndexedSubset(train, subset) : train, training);
        }
        network.eval();
        double accuracy = Accuracy(network, options);
        Directory.CreateDirectory(options.CacheFolder);
        string temporary = weights + ".tmp";
        network.save(temporary);
        File.Move(temporary, weights, overwrite: true);
        string hash = HashSidecar.Write(weights);
        File.WriteAllText(record, JsonSerializer.Serialize(new CacheRecord(accuracy)));
        return new FashionMnistFeatureNet(network, hash, accuracy, fromCache: false);
    }

    private static double Accuracy(FashionMnistClassifier network, FashionMnistFeatureOptions options)
    {
        using var test = FashionMnist.Load(new FashionMnistOptions { Folder = options.DataFolder, Train = false, PadTo32 = true });
        return ClassifierTraining.Accuracy(network.forward, test, options.TestSubset, batchSize: 1000);
    }

    /// <inheritdoc />
    public void Dispose() => network.Dispose();
}
