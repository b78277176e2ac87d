using Research.Framework.Networks.Autoencoders;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Networks.Autoencoders;

/// <summary>The VAE's shapes, its file round trip, and the errors a wrong weights file or config gets.</summary>
public sealed class AutoencoderKLTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("autoencoder-kl-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    static readonly AutoencoderKLConfig Tiny = new() { BlockOutChannels = [8, 16], LayersPerBlock = 1, NormNumGroups = 4, LatentChannels = 4 };

    static AutoencoderKL Random(AutoencoderKLConfig config, ulong seed = 1)
    {
        using var generator = new Generator(seed, CPU);
        return new AutoencoderKL(config, generator);
    }

    [Fact]
    public void LatentsAreTheImageSideOverTheDownsamplingFactorAndDecodeBack()
    {
        using var scope = NewDisposeScope();
        var config = Tiny with { BlockOutChannels = [8, 8, 16] };
        using var vae = Random(config);
        using var noGradient = no_grad();
        var latents = vae.Encode(rand(2, 3, 16, 16) * 2 - 1);
        Assert.Equal(4, config.DownsamplingFactor);
        Assert.Equal(new long[] { 2, 4, 4, 4 }, latents.shape);
        Assert.Equal(new long[] { 2, 3, 16, 16 }, vae.Decode(latents).shape);
        var error = Assert.Throws<ArgumentException>(() => vae.Encode(zeros(1, 3, 18, 18)));
        Assert.Contains("multiples of 4", error.Message);
    }

    [Fact]
    public void SavedWeightsAndConfigLoadToTheSameFunction()
    {
        using var scope = NewDisposeScope();
        using var vae = Random(Tiny with { ShiftFactor = 0.25, ScalingFactor = 0.3 });
        var path = vae.SaveDiffusers(root);
        using var loaded = AutoencoderKL.Load(path);
        Assert.Equal(vae.Config.ToString(), loaded.Config.ToString());
        Assert.Equal(Research.Framework.Data.FileHash.Sha256(path), loaded.WeightsHash);
        using var noGradient = no_grad();
        var images = rand(1, 3, 8, 8) * 2 - 1;
        TensorAssert.Close(vae.Encode(images), loaded.Encode(images), 0);
        var z = randn(1, 4, 4, 4);
        TensorAssert.Close(vae.Decode(z), loaded.Decode(z), 0);
        // Scale and its inverse: decode(z) is the decoder of z / scale + shift.
        TensorAssert.Close(vae.DecodeRaw(z / 0.3 + 0.25), vae.Decode(z), 1e-6);
    }

    [Fact]
    public void AWeightsFileThatDoesNotFitNamesTheMissingUnexpectedAndMisshapedParameters()
    {
        using var scope = NewDisposeScope();
        using var vae = Random(Tiny);
        var path = vae.SaveDiffusers(root);
        var state = Safetensors.LoadStateDict(path);
        state.Remove("decoder.conv_out.bias");
        state["encoder.extra.weight"] = zeros(3);
        state["quant_conv.weight"] = zeros(8, 8, 3, 3);
        Safetensors.SaveStateDict(path, state);
        var error = Assert.Throws<InvalidDataException>(() => AutoencoderKL.Load(path));
        Assert.Contains("missing decoder.conv_out.bias", error.Message);
        Assert.Contains("unexpected encoder.extra.weight", error.Message);
        Assert.Contains("quant_conv.weight (file [8, 8, 3, 3]", error.Message);

        // A config that does not describe the weights: every parameter of the wider first level is mis-shaped.
        var wrong = Assert.Throws<InvalidDataException>(() => AutoencoderKL.Load(vae.SaveDiffusers(root), Tiny with { BlockOutChannels = [16, 16] }));
        Assert.Contains("encoder.conv_in.weight", wrong.Message);
    }

    [Fact]
    public void MissingFilesAndUnsupportedConfigsAreNamed()
    {
        var missing = Assert.Throws<FileNotFoundException>(() => AutoencoderKL.Load(Path.Combine(root, "none.safetensors")));
        Assert.Contains("none.safetensors", missing.Message);
        using (var vae = Random(Tiny)) Safetensors.SaveStateDict(Path.Combine(root, "alone.safetensors"), vae.state_dict());
        var noConfig = Assert.Throws<FileNotFoundException>(() => AutoencoderKL.Load(Path.Combine(root, "alone.safetensors")));
        Assert.Contains("config.json", noConfig.Message);

        var json = Path.Combine(root, "config.json");
        File.WriteAllText(json, """{"_class_name": "AutoencoderKL", "down_block_types": ["DownEncoderBlock2D", "AttnDownEncoderBlock2D"], "block_out_channels": [32, 64]}""");
        Assert.Contains("AttnDownEncoderBlock2D", Assert.Throws<InvalidDataException>(() => AutoencoderKLConfig.FromDiffusersJson(json)).Message);
        File.WriteAllText(json, """{"_class_name": "AutoencoderKL", "block_out_channels": [48], "norm_num_groups": 32}""");
        Assert.Contains("multiples of norm_num_groups 32", Assert.Throws<ArgumentException>(() => AutoencoderKLConfig.FromDiffusersJson(json)).Message);
        // Absent fields take diffusers' defaults (SD-VAE's scale, no shift).
        File.WriteAllText(json, """{"_class_name": "AutoencoderKL", "block_out_channels": [32, 64], "latent_channels": 16}""");
        var config = AutoencoderKLConfig.FromDiffusersJson(json);
        Assert.Equal((16, 0.18215, (double?)null, 2), (config.LatentChannels, config.ScalingFactor, config.ShiftFactor, config.LayersPerBlock));
    }

    [Fact]
    public void LegacyAttentionNamesMapToTheCurrentOnes()
    {
        Assert.Equal("encoder.mid_block.attentions.0.to_q.weight", AutoencoderKLWeights.CurrentName("encoder.mid_block.attentions.0.query.weight"));
        Assert.Equal("decoder.mid_block.attentions.0.to_out.0.bias", AutoencoderKLWeights.CurrentName("decoder.mid_block.attentions.0.proj_attn.bias"));
        Assert.Equal("encoder.down_blocks.0.resnets.0.conv1.weight", AutoencoderKLWeights.CurrentName("encoder.down_blocks.0.resnets.0.conv1.weight"));
    }
}
