using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Networks.Autoencoders;

/// <summary>
/// The KL autoencoder of latent diffusion (Stable Diffusion's VAE), with exactly the modules and parameter names of
/// diffusers' <c>AutoencoderKL</c>, so its <c>diffusion_pytorch_model.safetensors</c> loads as is
/// (<see cref="Load"/>). Encoding: <see cref="VaeEncoder"/> → <c>quant_conv</c> (1×1) → a
/// <see cref="DiagonalGaussian"/>; the latent the diffusion model sees is (mean or sample − shift_factor) ·
/// scaling_factor. Decoding undoes the scale, then <c>post_quant_conv</c> (1×1) → <see cref="VaeDecoder"/>. Images are
/// (B, C, H, W) in [−1, 1] with H, W multiples of <see cref="AutoencoderKLConfig.DownsamplingFactor"/>.
/// <para>State names: <c>encoder.*</c>, <c>decoder.*</c>, <c>quant_conv</c>, <c>post_quant_conv</c>.</para>
/// </summary>
public sealed class AutoencoderKL : nn.Module
{
    /// <summary>The weights file name diffusers writes.</summary>
    public const string WeightsFileName = "diffusion_pytorch_model.safetensors";

    /// <summary>The config file name diffusers writes beside the weights.</summary>
    public const string ConfigFileName = "config.json";

    private readonly VaeEncoder encoder;
    private readonly VaeDecoder decoder;
    private readonly Conv2d? quant_conv, post_quant_conv;

    /// <summary>A VAE of this shape with PyTorch's default initialisation drawn from <paramref name="generator"/> (or the global RNG).</summary>
    public AutoencoderKL(AutoencoderKLConfig config, Generator? generator = null) : base(nameof(AutoencoderKL))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        encoder = new VaeEncoder(config);
        decoder = new VaeDecoder(config);
        int latent2 = 2 * config.LatentChannels;
        if (config.UseQuantConv) quant_conv = nn.Conv2d(latent2, latent2, 1);
        if (config.UsePostQuantConv) post_quant_conv = nn.Conv2d(config.LatentChannels, config.LatentChannels, 1);
        RegisterComponents();
        if (generator is not null) VaeInit.PyTorchDefaults(this, generator);
        WeightsHash = "";
    }

    /// <summary>The architecture and latent scale.</summary>
    public AutoencoderKLConfig Config { get; }

    /// <summary>SHA-256 of the weights file this VAE was loaded from ("" for one built in memory): caches of its latents carry it.</summary>
    public string WeightsHash { get; private set; }

    /// <summary>The posterior of images (B, in, H, W), unscaled.</summary>
    public DiagonalGaussian EncodeDistribution(Tensor images)
    {
        CheckImages(images);
        using var scope = NewDisposeScope();
        var moments = encoder.forward(images);
        if (quant_conv is not null) moments = quant_conv.forward(moments);
        var distribution = DiagonalGaussian.FromMoments(moments);
        distribution.Mean.MoveToOuterDisposeScope();
        distribution.LogVar.MoveToOuterDisposeScope();
        return distribution;
    }

    /// <summary>
    /// The diffusion model's latents of images: the posterior's mean (or a sample from <paramref name="sample"/>),
    /// shifted and scaled as diffusers' pipelines do, (z − shift_factor) · scaling_factor.
    /// </summary>
    public Tensor Encode(Tensor images, Generator? sample = null)
    {
        using var scope = NewDisposeScope();
        using var distribution = EncodeDistribution(images);
        var z = sample is null ? distribution.Mean : distribution.Sample(sample);
        return Scale(z).MoveToOuterDisposeScope();
    }

    /// <summary>(z − shift_factor) · scaling_factor: raw latents to the diffusion model's.</summary>
    public Tensor Scale(Tensor raw) => Config.ShiftFactor is { } shift ? (raw - shift) * Config.ScalingFactor : raw * Config.ScalingFactor;

    /// <summary>Images (B, out, H, W) of the diffusion model's latents: z / scaling_factor + shift_factor, then the decoder.</summary>
    public Tensor Decode(Tensor latents)
    {
        using var scope = NewDisposeScope();
        var raw = latents / Config.ScalingFactor;
        if (Config.ShiftFactor is { } shift) raw = raw + shift;
        return DecodeRaw(raw).MoveToOuterDisposeScope();
    }

    /// <summary>The decoder on unscaled latents (diffusers' <c>AutoencoderKL.decode</c>).</summary>
    public Tensor DecodeRaw(Tensor raw)
    {
        if (raw.dim() != 4 || raw.shape[1] != Config.LatentChannels)
            throw new ArgumentException($"AutoencoderKL decodes latents (B, {Config.LatentChannels}, h, w); got [{string.Join(", ", raw.shape)}].", nameof(raw));
        using var scope = NewDisposeScope();
        var z = post_quant_conv is null ? raw : post_quant_conv.forward(raw);
        return decoder.forward(z).MoveToOuterDisposeScope();
    }

    void CheckImages(Tensor images)
    {
        int f = Config.DownsamplingFactor;
        if (images.dim() != 4 || images.shape[1] != Config.InChannels || images.shape[2] % f != 0 || images.shape[3] % f != 0)
            throw new ArgumentException($"AutoencoderKL encodes images (B, {Config.InChannels}, H, W) with H and W multiples of {f}; got [{string.Join(", ", images.shape)}].", nameof(images));
    }

    /// <summary>
    /// A VAE from a diffusers weights file (<c>diffusion_pytorch_model.safetensors</c>) with the original parameter
    /// names; its shape from <paramref name="config"/>, else from the <c>config.json</c> beside the file. Every
    /// parameter must be present with its shape and no other may be (<see cref="AutoencoderKLWeights"/>).
    /// </summary>
    public static AutoencoderKL Load(string weightsPath, AutoencoderKLConfig? config = null)
    {
        if (!File.Exists(weightsPath)) throw new FileNotFoundException($"No AutoencoderKL weights at {weightsPath} (a diffusers diffusion_pytorch_model.safetensors).", weightsPath);
        if (config is null)
        {
            var beside = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(weightsPath))!, ConfigFileName);
            if (!File.Exists(beside))
                throw new FileNotFoundException($"No {ConfigFileName} beside the AutoencoderKL weights {weightsPath}; put diffusers' config.json there or name one (Dataset.VaeConfig).", beside);
            config = AutoencoderKLConfig.FromDiffusersJson(beside);
        }
        var vae = new AutoencoderKL(config);
        AutoencoderKLWeights.LoadInto(vae, weightsPath);
        vae.WeightsHash = Data.FileHash.Sha256(weightsPath);
        vae.eval();
        return vae;
    }

    /// <summary>Writes <c>diffusion_pytorch_model.safetensors</c> (diffusers names) and <c>config.json</c> into <paramref name="folder"/>; returns the weights' path.</summary>
    public string SaveDiffusers(string folder)
    {
        Directory.CreateDirectory(folder);
        var weights = Path.Combine(folder, WeightsFileName);
        AutoencoderKLWeights.Save(this, weights);
        File.WriteAllText(Path.Combine(folder, ConfigFileName), Config.ToDiffusersJson());
        return weights;
    }
}
