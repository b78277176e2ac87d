using Research.Framework.Data.Images;

namespace Research.Framework.Latents;

/// <summary>
/// The <c>Dataset.*</c> settings of latent diffusion over an image folder: the folder's own
/// (<see cref="ImageFolderOptions"/>: Folder, Resolution, HoldOut, RandomFlip, ...) and the VAE whose latents the
/// network sees, with the cache of those latents.
/// </summary>
public sealed record LatentImageFolderOptions : ImageFolderOptions
{
    /// <summary>A diffusers AutoencoderKL weights file (<c>diffusion_pytorch_model.safetensors</c>) with its <c>config.json</c> beside it (or at VaeConfig).</summary>
    public string VaeWeights { get; init; } = "";

    /// <summary>The VAE's diffusers <c>config.json</c>; empty: the one beside VaeWeights.</summary>
    public string VaeConfig { get; init; } = "";

    /// <summary>
    /// Draw each training latent from the VAE's posterior, mean + std·ε with ε seeded by the batch's stream position
    /// (as REPA does), or use the mean (false). The cache stores mean and std either way.
    /// </summary>
    public bool SamplePosterior { get; init; } = true;

    /// <summary>
    /// Also serve each training batch's raw images (the same samples in the same orientation, in [−1, 1], decoded from
    /// the files and read ahead) as <see cref="Data.Batch.EncoderInput"/>, for a representation encoder (REPA) that sees
    /// images while the network sees latents.
    /// </summary>
    public bool EncoderInput { get; init; }

    /// <summary>Where the encoded latents are cached, one sub-folder per (VAE weights, VAE config, folder listing, resolution, split).</summary>
    public string LatentCacheFolder { get; init; } = Path.Combine("runs", ".cache", "latents");

    /// <summary>Images per shard file of the latent cache.</summary>
    public int ShardSize { get; init; } = 8192;

    /// <summary>Images the VAE encodes at once while the cache is built.</summary>
    public int EncodeBatch { get; init; } = 16;

    /// <summary>Refuses values no latent set can use, naming the setting.</summary>
    public void ValidateLatents()
    {
        Validate();
        if (string.IsNullOrWhiteSpace(VaeWeights))
            throw new ArgumentException("Dataset.VaeWeights is empty: give a diffusers AutoencoderKL diffusion_pytorch_model.safetensors (with its config.json beside it).");
        if (ShardSize < 1) throw new ArgumentException($"Dataset.ShardSize must be at least 1; got {ShardSize}.");
        if (EncodeBatch < 1) throw new ArgumentException($"Dataset.EncodeBatch must be at least 1; got {EncodeBatch}.");
    }
}
