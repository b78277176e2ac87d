using Research.Framework.Interfaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Encoders.Dinov2;

/// <summary>
/// REPA's DINOv2 target: images (B, 3, H, W) in [−1, 1] (grey images (B, 1, H, W) are repeated to RGB, as
/// torchvision's Grayscale(3) does) are mapped to [0, 1], normalised with ImageNet's mean and
/// std, resized bicubically to <see cref="Resolution"/>² (REPA's <c>preprocess_raw_image</c> for dinov2: 224 for
/// 256-pixel images, 448 for 512), and encoded; the tokens are the patch tokens after the final LayerNorm (DINOv2's
/// <c>x_norm_patchtokens</c>, i.e. <c>last_hidden_state[:, 1:]</c>), (Resolution/patch)² of them, in float32. The
/// network runs in float32 on the input's device (it moves there on first use).
/// </summary>
public sealed class Dinov2Encoder : IFeatureEncoder
{
    /// <summary>ImageNet's channel means (timm's IMAGENET_DEFAULT_MEAN).</summary>
    static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f];
    /// <summary>ImageNet's channel standard deviations (timm's IMAGENET_DEFAULT_STD).</summary>
    static readonly float[] ImageNetStd = [0.229f, 0.224f, 0.225f];

    /// <summary>The encoder over <paramref name="vit"/> at <paramref name="resolution"/> pixels (a multiple of its patch size).</summary>
    public Dinov2Encoder(Dinov2Vit vit, int resolution = 224)
    {
        ArgumentNullException.ThrowIfNull(vit);
        if (vit.Config.NumChannels != ImageNetMean.Length)
            throw new ArgumentException($"REPA's DINOv2 preprocessing is for RGB images; this network takes {vit.Config.NumChannels} channels.", nameof(vit));
        if (resolution < vit.Config.PatchSize || resolution % vit.Config.PatchSize != 0)
            throw new ArgumentOutOfRangeException(nameof(resolution), resolution,
                $"The DINOv2 encoder's resolution must be a positive multiple of its patch size {vit.Config.PatchSize} (REPA: 224; got {resolution}).");
        (Vit, Resolution) = (vit, resolution);
    }

    /// <summary>The network.</summary>
    public Dinov2Vit Vit { get; }

    /// <summary>The side images are resized to before encoding.</summary>
    public int Resolution { get; }

    /// <inheritdoc />
    public int FeatureDim => Vit.Config.HiddenSize;

    /// <summary>Loads the network from a Hugging Face <c>model.safetensors</c> (see <see cref="Dinov2Vit.Load"/>).</summary>
    public static Dinov2Encoder Load(string path, int resolution = 224) => new(Dinov2Vit.Load(path), resolution);

    /// <summary>Patch tokens (B, (Resolution/patch)², hidden) of images x (B, 3 or 1, H, W) in [−1, 1].</summary>
    public Tensor Encode(Tensor x)
    {
        if (x.dim() != 4 || x.shape[1] is not (1 or 3))
            throw new ArgumentException($"The DINOv2 encoder takes RGB or grey images (B, 3 or 1, H, W) in [−1, 1]; got shape [{string.Join(", ", x.shape)}].", nameof(x));
        if (Vit.parameters().First().device != x.device) Vit.to(x.device); // follows the run's device on first use (outside any scope of ours)
        using var scope = NewDisposeScope();
        using var noGradient = no_grad();
        var rgb = x.shape[1] == 1 ? x.expand(-1, 3, -1, -1) : x;
        var pixels = Preprocess(rgb.to(ScalarType.Float32));
        return Vit.forward(pixels)[.., 1..].MoveToOuterDisposeScope();
    }

    /// <summary>REPA's preprocessing: (x + 1) / 2, then (· − mean) / std per channel, then a bicubic resize to Resolution².</summary>
    public Tensor Preprocess(Tensor x)
    {
        using var scope = NewDisposeScope();
        var mean = tensor(ImageNetMean, device: x.device).view(1, 3, 1, 1);
        var std = tensor(ImageNetStd, device: x.device).view(1, 3, 1, 1);
        var normalised = ((x + 1) / 2 - mean) / std;
        var resized = normalised.shape[2] == Resolution && normalised.shape[3] == Resolution ? normalised
            : nn.functional.interpolate(normalised, size: [Resolution, Resolution], mode: InterpolationMode.Bicubic, align_corners: false);
        return resized.MoveToOuterDisposeScope();
    }
}
