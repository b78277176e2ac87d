using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Interfaces;

/// <summary>A network that can return its per-block token features (B, T, HiddenSize), as REPA needs.</summary>
public interface IFeatureNetwork : IDiffusionNetwork
{
    /// <summary>When true, <see cref="IDiffusionNetwork.Forward"/> fills <see cref="NetworkOutput.Features"/> with one tensor per block.</summary>
    bool ReturnFeatures { get; set; }

    /// <summary>The width D of the block features.</summary>
    int HiddenSize { get; }
}

/// <summary>A frozen encoder whose token features REPA aligns the network's features with (DINOv2 in the paper).</summary>
public interface IFeatureEncoder
{
    /// <summary>The width of the encoder's features.</summary>
    int FeatureDim { get; }

    /// <summary>Token features (B, T, FeatureDim) of clean data x; T a square number (a grid of patches).</summary>
    Tensor Encode(Tensor x);
}

/// <summary>
/// An interface with trainable parameters beyond its network (REPA's projector): training, EMA and checkpoints
/// use <see cref="TrainableModule"/> instead of the network alone.
/// </summary>
public interface IHasTrainableModule
{
    /// <summary>The module holding every trainable parameter, the network's included.</summary>
    nn.Module TrainableModule { get; }
}

/// <summary>
/// A class-conditional network that drops labels itself during training (classifier-free guidance), drawing from a
/// generator it is given. Interfaces hand it their <see cref="RandomStreams.LabelDropout"/> stream, so the drops are
/// seeded with the model and saved in checkpoints.
/// </summary>
public interface ILabelDropoutNetwork : IDiffusionNetwork
{
    /// <summary>The generator label drops are drawn from (null for an unconditional network).</summary>
    Generator? LabelDropout { get; set; }

    /// <summary>The probability that a label is replaced by the null label in training mode.</summary>
    double LabelDropoutProbability { get; }
}
