using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Research.Framework.Data;

namespace Research.Framework.Evaluation;

/// <summary>How the offline Fashion-MNIST feature network is trained and where it is cached.</summary>
public sealed record FashionMnistFeatureOptions
{
    /// <summary>Seed of the initialisation and the batch draws.</summary>
    public long Seed { get; init; } = 0;

    /// <summary>Adam steps.</summary>
    public int Steps { get; init; } = 600;

    /// <summary>Batch size.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>Train on the first this-many training images only (null: all 60,000); for quick tests.</summary>
    public int? TrainSubset { get; init; }

    /// <summary>Evaluate the reported accuracy on the first this-many test images only (null: all 10,000).</summary>
    public int? TestSubset { get; init; }

    /// <summary>The folder with the Fashion-MNIST IDX files.</summary>
    public string DataFolder { get; init; } = FashionMnistOptions.DebianFolder;

    /// <summary>Where trained weights are cached; the file name encodes every training option.</summary>
    public string CacheFolder { get; init; } = Path.Combine("runs", ".cache", "fmnist-features");

    /// <summary>
    /// A 16-hex key of every option that changes the trained weights (not the folders), plus an architecture
    /// version, so a changed option or network never reuses a stale cache file.
    /// </summary>
    public string CacheKey()
    {
        var text = string.Create(CultureInfo.InvariantCulture,
            $"fmnist-cnn-v2|seed={Seed}|steps={Steps}|batch={BatchSize}|lr={LearningRate:R}|train={TrainSubset}|test={TestSubset}");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }
}
