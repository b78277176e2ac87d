using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Networks.Autoencoders;

/// <summary>
/// diffusers' <c>Downsample2D</c> as the VAE builds it (use_conv, padding 0): zero-pad one column on the right and one
/// row at the bottom (the asymmetric (0, 1, 0, 1) pad), then a 3×3 conv with stride 2. State name: <c>conv</c>.
/// </summary>
public sealed class Downsample2D : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;

    public Downsample2D(int channels) : base(nameof(Downsample2D))
    {
        conv = nn.Conv2d(channels, channels, 3, stride: 2);
        RegisterComponents();
    }

    /// <summary>(B, C, H, W) → (B, C, H/2, W/2).</summary>
    public override Tensor forward(Tensor x)
    {
        using var padded = nn.functional.pad(x, [0, 1, 0, 1]);
        return conv.forward(padded);
    }
}

/// <summary>
/// diffusers' <c>Upsample2D</c> as the VAE builds it (use_conv): nearest-neighbour ×2, then a 3×3 conv (padding 1).
/// State name: <c>conv</c>.
/// </summary>
public sealed class Upsample2D : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;

    public Upsample2D(int channels) : base(nameof(Upsample2D))
    {
        conv = nn.Conv2d(channels, channels, 3, padding: 1);
        RegisterComponents();
    }

    /// <summary>(B, C, H, W) → (B, C, 2H, 2W).</summary>
    public override Tensor forward(Tensor x)
    {
        using var upsampled = nn.functional.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest);
        return conv.forward(upsampled);
    }
}
