using static TorchSharp.torch;

namespace Research.Framework.Evaluation;

/// <summary>
/// The offline stand-in for a feature network on arbitrary images: each image area-averaged to 8×8 and flattened
/// (192 numbers for RGB, 64 for grey). An FD or precision/recall in this space compares colour layout at 1/4 to 1/32
/// of the resolution, not what Inception's features see; it has no weights, so it is the same on every machine, and
/// its numbers are comparable only with other numbers of this extractor (its name is in every protocol).
/// </summary>
public sealed class PixelFeatureExtractor : IFeatureExtractor
{
    /// <summary>The side of the pooled grid.</summary>
    public const int Grid = 8;

    /// <summary>An extractor for images of <paramref name="channels"/> channels.</summary>
    public PixelFeatureExtractor(int channels) => FeatureDimension = channels * Grid * Grid;

    /// <inheritdoc />
    public string Name => $"pixels-{Grid}x{Grid}";

    /// <inheritdoc />
    public string WeightsHash => "none";

    /// <inheritdoc />
    public int FeatureDimension { get; }

    /// <inheritdoc />
    public Tensor Features(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4 || images.shape[1] * Grid * Grid != FeatureDimension)
            throw new ArgumentException($"Expected images (B, {FeatureDimension / (Grid * Grid)}, H, W); got [{string.Join(", ", images.shape)}].", nameof(images));
        using var scope = NewDisposeScope();
        return nn.functional.adaptive_avg_pool2d(images.to_type(ScalarType.Float32), [Grid, Grid]).flatten(1).MoveToOuterDisposeScope();
    }
}
