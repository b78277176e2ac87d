using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Networks.Autoencoders;

/// <summary>
/// diffusers' VAE <c>Encoder</c>: conv_in → one <see cref="DownEncoderBlock2D"/> per level (downsampling all but the
/// last) → <see cref="VaeMidBlock"/> → GroupNorm → SiLU → conv_out to 2·latent channels (mean and log-variance).
/// <para>State names: <c>conv_in</c>, <c>down_blocks.i</c>, <c>mid_block</c>, <c>conv_norm_out</c>, <c>conv_out</c>.</para>
/// </summary>
public sealed class VaeEncoder : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv_in, conv_out;
    private readonly ModuleList<DownEncoderBlock2D> down_blocks;
    private readonly VaeMidBlock mid_block;
    private readonly GroupNorm conv_norm_out;

    public VaeEncoder(AutoencoderKLConfig config) : base(nameof(VaeEncoder))
    {
        var widths = config.BlockOutChannels;
        int groups = config.NormNumGroups;
        conv_in = nn.Conv2d(config.InChannels, widths[0], 3, padding: 1);
        down_blocks = nn.ModuleList([.. Enumerable.Range(0, widths.Count).Select(i =>
            new DownEncoderBlock2D(i == 0 ? widths[0] : widths[i - 1], widths[i], config.LayersPerBlock, groups, downsample: i < widths.Count - 1))]);
        mid_block = new VaeMidBlock(widths[^1], groups, config.MidBlockAddAttention);
        conv_norm_out = VaeLayers.GroupNorm(groups, widths[^1]);
        conv_out = nn.Conv2d(widths[^1], 2 * config.LatentChannels, 3, padding: 1);
        RegisterComponents();
    }

    /// <summary>Images (B, in, H, W) → moments (B, 2·latent, H/f, W/f).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = conv_in.forward(x);
        foreach (var block in down_blocks) x = block.forward(x);
        x = mid_block.forward(x);
        return conv_out.forward(nn.functional.silu(conv_norm_out.forward(x))).MoveToOuterDisposeScope();
    }
}
