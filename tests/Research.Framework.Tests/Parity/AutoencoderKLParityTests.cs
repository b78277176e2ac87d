using Research.Framework.Networks.Autoencoders;
using Research.Framework.Tests.TestSupport;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Parity;

/// <summary>
/// <see cref="AutoencoderKL"/> against an independent PyTorch AutoencoderKL written from diffusers' definition
/// (Parity/python/autoencoder_kl.py: blocks [16, 32], two resnets per encoder block (so a conv_shortcut), 8 groups,
/// mid-block attention, scaling factor 0.5, shift factor 0.125, random GroupNorm affines): the diffusers-named
/// safetensors file and config.json load, and encode/decode match to 1e-5 absolute in float32 (values are O(1)).
/// </summary>
public class AutoencoderKLParityTests(ITestOutputHelper output)
{
    const string Script = "autoencoder_kl.py";
    const double Tolerance = 1e-5;

    /// <summary>Asserts the match and prints the largest absolute error (the figure README and the issue report).</summary>
    void Match(string golden, Tensor actual)
    {
        var expected = PythonReference.Load(Script, golden);
        output.WriteLine($"{golden}: max |C# − PyTorch| = {(expected - actual).abs().max().item<float>():E2} (max |value| {expected.abs().max().item<float>():F3})");
        TensorAssert.Close(expected, actual, Tolerance);
    }

    static string Weights(string variant) => Path.Combine(PythonReference.Goldens(Script), variant, AutoencoderKL.WeightsFileName);

    [Fact]
    public void DiffusersWeightsLoadWithTheirConfigAndEncodeAsPyTorch()
    {
        using var scope = NewDisposeScope();
        using var vae = AutoencoderKL.Load(Weights("diffusers"));
        Assert.Equal([16, 32], vae.Config.BlockOutChannels);
        Assert.Equal((0.5, 0.125), (vae.Config.ScalingFactor, vae.Config.ShiftFactor));
        using var noGradient = no_grad();
        var images = PythonReference.Load(Script, "images");
        using var posterior = vae.EncodeDistribution(images);
        Match("mean", posterior.Mean);
        Match("logvar", posterior.LogVar);
        // The diffusion model's latents: (mean − shift) · scale.
        Match("latents", vae.Encode(images));
    }

    [Fact]
    public void DecodeOfScaledLatentsMatchesPyTorch()
    {
        using var scope = NewDisposeScope();
        using var vae = AutoencoderKL.Load(Weights("diffusers"));
        using var noGradient = no_grad();
        var decoded = vae.Decode(PythonReference.Load(Script, "z"));
        Assert.Equal(new long[] { 2, 3, 16, 16 }, decoded.shape);
        Match("decoded", decoded);
    }

    [Fact]
    public void LegacyAttentionNamesAndConvKernelsLoadToTheSameModel()
    {
        using var scope = NewDisposeScope();
        var config = AutoencoderKLConfig.FromDiffusersJson(Path.Combine(PythonReference.Goldens(Script), "diffusers", AutoencoderKL.ConfigFileName));
        using var vae = AutoencoderKL.Load(Weights("legacy"), config);
        using var noGradient = no_grad();
        Match("decoded", vae.Decode(PythonReference.Load(Script, "z")));
    }
}
