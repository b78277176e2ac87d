using static TorchSharp.torch;

namespace Research.Framework.Evaluation.Inception;

/// <summary>
/// The pooling operations of the FID Inception. Every branch average pool excludes padding from the count
/// (count_include_pad = False), which is how the 2015 TF graph pooled and where pytorch-fid's FID blocks differ
/// from torchvision's.
/// </summary>
internal static class InceptionPools
{
    /// <summary>3×3 average pool, stride 1, padding 1, padding not counted.</summary>
    public static Tensor Average3x3(Tensor x) => nn.functional.avg_pool2d(x, 3, stride: 1, padding: 1, count_include_pad: false);

    /// <summary>3×3 max pool with the given stride and padding.</summary>
    public static Tensor Max3x3(Tensor x, long stride, long padding = 0) => nn.functional.max_pool2d(x, 3, stride: stride, padding: padding);
}
