using static TorchSharp.torch;

namespace Research.Framework.Evaluation;

/// <summary>
/// Maps images to the feature vectors in which a Fréchet distance and precision/recall are measured. Its name and
/// weights hash identify the feature space in an <see cref="EvaluationProtocol"/>: FDs from different extractors or
/// weights are different metrics.
/// </summary>
public interface IFeatureExtractor
{
    /// <summary>A short identifier of the architecture, e.g. "fid-inception-v3".</summary>
    string Name { get; }

    /// <summary>SHA-256 (hex) of the weights the features come from.</summary>
    string WeightsHash { get; }

    /// <summary>The feature dimension D.</summary>
    int FeatureDimension { get; }

    /// <summary>Images (B, C, H, W) in [−1, 1] → features (B, D), without gradients.</summary>
    Tensor Features(Tensor images);
}
