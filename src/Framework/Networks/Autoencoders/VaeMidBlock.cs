using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Networks.Autoencoders;

/// <summary>
/// diffusers' <c>UNetMidBlock2D</c> as the VAE uses it: resnets[0], then attentions[0] (unless the config turns
/// mid-block attention off), then resnets[1], all at the same width.
/// <para>State names: <c>resnets.0</c>, <c>attentions.0</c>, <c>resnets.1</c>.</para>
/// </summary>
public sealed class VaeMidBlock : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<VaeAttention> attentions;

    public VaeMidBlock(int channels, int groups, bool attention) : base(nameof(VaeMidBlock))
    {
        resnets = nn.ModuleList(new ResnetBlock2D(channels, channels, groups), new ResnetBlock2D(channels, channels, groups));
        attentions = attention ? nn.ModuleList(new VaeAttention(channels, groups)) : nn.ModuleList<VaeAttention>();
        RegisterComponents();
    }

    /// <summary>(B, C, H, W) → (B, C, H, W).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = resnets[0].forward(x);
        if (attentions.Count > 0) x = attentions[0].forward(x);
        return resnets[1].forward(x).MoveToOuterDisposeScope();
    }
}
