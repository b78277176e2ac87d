using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Networks.Autoencoders;

/// <summary>The layers every part of the VAE shares, with diffusers' settings.</summary>
internal static class VaeLayers
{
    /// <summary>diffusers' VAE norms all use eps 1e-6.</summary>
    public const double NormEps = 1e-6;

    /// <summary>
    /// GroupNorm with eps 1e-6 and PyTorch's affine start (weight 1, bias 0): TorchSharp 0.107 leaves the affine
    /// parameters uninitialised.
    /// </summary>
    public static GroupNorm GroupNorm(int groups, int channels)
    {
        var norm = nn.GroupNorm(groups, channels, eps: NormEps);
        using var noGradient = no_grad();
        norm.weight!.fill_(1);
        norm.bias!.zero_();
        return norm;
    }
}
