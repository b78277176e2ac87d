using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Networks.Autoencoders;

/// <summary>
/// diffusers' <c>ResnetBlock2D</c> without a time embedding, as the VAE uses it:
/// h = conv2(SiLU(norm2(conv1(SiLU(norm1(x)))))); out = shortcut(x) + h, where the shortcut is a 1×1 conv
/// (<c>conv_shortcut</c>) when the channel count changes and the identity otherwise.
/// <para>State names: <c>norm1</c>, <c>conv1</c>, <c>norm2</c>, <c>conv2</c>, <c>conv_shortcut</c> (when channels change).</para>
/// </summary>
public sealed class ResnetBlock2D : nn.Module<Tensor, Tensor>
{
    private readonly GroupNorm norm1, norm2;
    private readonly Conv2d conv1, conv2;
    private readonly Conv2d? conv_shortcut;

    public ResnetBlock2D(int inChannels, int outChannels, int groups) : base(nameof(ResnetBlock2D))
    {
        norm1 = VaeLayers.GroupNorm(groups, inChannels);
        conv1 = nn.Conv2d(inChannels, outChannels, 3, padding: 1);
        norm2 = VaeLayers.GroupNorm(groups, outChannels);
        conv2 = nn.Conv2d(outChannels, outChannels, 3, padding: 1);
        if (inChannels != outChannels) conv_shortcut = nn.Conv2d(inChannels, outChannels, 1);
        RegisterComponents();
    }

    /// <summary>(B, in, H, W) → (B, out, H, W).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = conv1.forward(nn.functional.silu(norm1.forward(x)));
        h = conv2.forward(nn.functional.silu(norm2.forward(h)));
        var shortcut = conv_shortcut is null ? x : conv_shortcut.forward(x);
        return (shortcut + h).MoveToOuterDisposeScope();
    }
}
