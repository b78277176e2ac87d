using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Networks.Autoencoders;

/// <summary>
/// diffusers' VAE <c>Decoder</c>: conv_in to the widest level → <see cref="VaeMidBlock"/> → one
/// <see cref="UpDecoderBlock2D"/> per level from the widest down (layers_per_block + 1 resnets each, upsampling all
/// but the last) → GroupNorm → SiLU → conv_out.
/// <para>State names: <c>conv_in</c>, <c>mid_block</c>, <c>up_blocks.i</c>, <c>conv_norm_out</c>, <c>conv_out</c>.</para>
/// </summary>
public sealed class VaeDecoder : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv_in, conv_out;
    private readonly VaeMidBlock mid_block;
    private readonly ModuleList<UpDecoderBlock2D> up_blocks;
    private readonly GroupNorm conv_norm_out;

    public VaeDecoder(AutoencoderKLConfig config) : base(nameof(VaeDecoder))
    {
        var reversed = config.BlockOutChannels.Reverse().ToArray();
        int groups = config.NormNumGroups;
        conv_in = nn.Conv2d(config.LatentChannels, reversed[0], 3, padding: 1);
        mid_block = new VaeMidBlock(reversed[0], groups, config.MidBlockAddAttention);
        up_blocks = nn.ModuleList([.. Enumerable.Range(0, reversed.Length).Select(i =>
            new UpDecoderBlock2D(i == 0 ? reversed[0] : reversed[i - 1], reversed[i], config.LayersPerBlock + 1, groups, upsample: i < reversed.Length - 1))]);
        conv_norm_out = VaeLayers.GroupNorm(groups, reversed[^1]);
        conv_out = nn.Conv2d(reversed[^1], config.OutChannels, 3, padding: 1);
        RegisterComponents();
    }

    /// <summary>Latents (B, latent, h, w) → images (B, out, h·f, w·f).</summary>
    public override Tensor forward(Tensor z)
    {
        using var scope = NewDisposeScope();
        var x = mid_block.forward(conv_in.forward(z));
        foreach (var block in up_blocks) x = block.forward(x);
        return conv_out.forward(nn.functional.silu(conv_norm_out.forward(x))).MoveToOuterDisposeScope();
    }
}
