using System.Security.Cryptography;
using System.Text;
using Research.Framework.Data;
using Research.Framework.Data.Images;
using Research.Framework.Networks.Autoencoders;
using static TorchSharp.torch;

namespace Research.Framework.Latents;

/// <summary>
/// Latent diffusion's training data: the images of an <see cref="ImageFolder"/> as an <see cref="AutoencoderKL"/>'s
/// latents, (z − shift_factor) · scaling_factor of shape (latent channels, Resolution/f, Resolution/f). The folder is
/// encoded once into a <see cref="LatentCache"/> holding, per image, the posterior's mean and std of the image and of
/// its mirror image (flip augmentation stored as both latents, as REPA's and LightningDiT's preprocessing do); at
/// training time the cache is memory-mapped and each sample's orientation is the same seeded coin
/// <see cref="ImageFolder.Flips"/> the pixel set uses, so a resumed run reads the same latents. With
/// <see cref="LatentImageFolderOptions.SamplePosterior"/> (REPA's choice) the latent is drawn mean + std·ε at read time,
/// ε seeded by the batch's stream position (exact on resume); otherwise it is the mean. Samples decode to images
/// through the same VAE (<see cref="DecodeImages"/>) for previews and metrics, measured against the folder's held-back
/// images. With <see cref="LatentImageFolderOptions.EncoderInput"/> each training batch also carries its raw images
/// (<see cref="Batch.EncoderInput"/>) for REPA's encoder.
/// </summary>
public sealed class LatentImageFolder : IStreamingDataset, IEncodedImages, IClassNames, IDisposable
{
    /// <summary>Separates the posterior noise from the flip coins and epoch permutations of the same loader seed.</summary>
    const long NoiseSalt = 0x1A7E_57D0;

    /// <summary>Latents decoded at once (bounds the decoder's activations).</summary>
    const int DecodeBatch = 16;

    readonly ImageFolder folder;
    readonly AutoencoderKL vae;
    readonly LatentCache cache;
    readonly long[] latentShape;

    LatentImageFolder(LatentImageFolderOptions options, ImageFolder folder, AutoencoderKL vae, LatentCache cache)
    {
        (Options, this.folder, this.vae, this.cache) = (options, folder, vae, cache);
        latentShape = cache.Expected.LatentShape;
    }

    /// <summary>
    /// The VAE the settings name. A missing, unreadable or ill-fitting weights or config file is the user's input, so it
    /// becomes an <see cref="ArgumentException"/> naming the setting (exit 2), not an I/O failure of the run.
    /// </summary>
    static AutoencoderKL LoadVae(LatentImageFolderOptions options)
    {
        try
        {
            var config = options.VaeConfig is { Length: > 0 } configPath ? AutoencoderKLConfig.FromDiffusersJson(configPath) : null;
            return AutoencoderKL.Load(options.VaeWeights, config);
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException or InvalidDataException or System.Text.Json.JsonException)
        {
            throw new ArgumentException($"Dataset.VaeWeights / Dataset.VaeConfig: {error.Message}", error);
        }
    }

    /// <summary>
    /// Loads the VAE and the folder, and opens the folder's latent cache, encoding it first when it does not exist
    /// (progress on the error stream). A Resolution that is not a multiple of the VAE's downsampling factor, or a
    /// channel count the VAE does not take, is an <see cref="ArgumentException"/> naming the setting.
    /// </summary>
    public static LatentImageFolder Load(LatentImageFolderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ValidateLatents();
        var vae = LoadVae(options);
        ImageFolder? folder = null;
        try
        {
            int f = vae.Config.DownsamplingFactor;
            if (options.Resolution % f != 0)
                throw new ArgumentException($"Dataset.Resolution {options.Resolution} is not a multiple of the VAE's downsampling factor {f}; try {Math.Max(f, options.Resolution / f * f)}.");
            if (options.Channels != vae.Config.InChannels)
                throw new ArgumentException($"Dataset.Channels {options.Channels} differs from the VAE's in_channels {vae.Config.InChannels}.");
            folder = ImageFolder.Load(options);
            var expected = new LatentCacheHeader(vae.WeightsHash, vae.Config.ToString(), DataHash(folder),
                [vae.Config.LatentChannels, options.Resolution / f, options.Resolution / f], folder.Count, 0, folder.Count);
            var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{expected.VaeHash}|{expected.VaeConfig}|{expected.DataHash}")))[..16];
            var location = Path.Combine(options.LatentCacheFolder, key);
            var cache = LatentCache.IsComplete(location)
                ? LatentCache.Open(location, expected)
                : LatentCacheWriter.Build(location, expected, options.ShardSize, options.EncodeBatch, (first, count) => Encode(vae, folder, first, count), Console.Error.WriteLine);
            return new LatentImageFolder(options, folder, vae, cache);
        }
        catch
        {
            folder?.Dispose();
            vae.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The hash of the data a cache encodes: the folder listing's hash, the crop and the training split (the held-back
    /// share and the files in sample order).
    /// </summary>
    static string DataHash(ImageFolder folder)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var o = folder.Options;
        sha.AppendData(Encoding.UTF8.GetBytes($"{folder.Index.FolderHash}|{o.Resolution}|{o.Channels}|{o.Classes}|{o.HoldOut}\n"));
        foreach (var image in folder.Images) sha.AppendData(Encoding.UTF8.GetBytes(image.Path + "\n"));
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>The records of samples first…first+count−1: (count, [original, flipped], [mean, std], C, h, w).</summary>
    static Tensor Encode(AutoencoderKL vae, ImageFolder folder, long first, int count)
    {
        using var scope = NewDisposeScope();
        using var noGradient = no_grad();
        var images = folder.Gather(arange(first, first + count, dtype: ScalarType.Int64)).X;
        using var posterior = vae.EncodeDistribution(cat([images, images.flip(3)], 0));
        var (mean, std) = (posterior.Mean, posterior.Std());
        var records = stack([mean[..count], std[..count], mean[count..], std[count..]], 1);
        return records.view([count, 2, 2, .. mean.shape[1..]]).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>The settings this set was loaded with.</summary>
    public LatentImageFolderOptions Options { get; }

    /// <summary>The VAE that encoded the cache and decodes samples.</summary>
    public AutoencoderKL Vae => vae;

    /// <summary>The memory-mapped cache of the folder's latents.</summary>
    public LatentCache Cache => cache;

    /// <summary>The image folder whose held-back images are the evaluation reference.</summary>
    public IDataset Images => folder;

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames => folder.ClassNames;

    /// <inheritdoc />
    public long[] SampleShape => latentShape;

    /// <inheritdoc />
    public int? NumClasses => folder.NumClasses;

    /// <inheritdoc />
    public long Count => folder.Count;

    /// <summary>The posterior means of the samples at <paramref name="indices"/>, unflipped (evaluation).</summary>
    public Batch Gather(Tensor indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        using var cpu = indices.to_type(ScalarType.Int64).cpu();
        return Read(cpu.data<long>().ToArray(), _ => false, null);
    }

    /// <inheritdoc />
    public Batch Gather(long[] indices, StreamPosition at)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var latents = Read(indices, k => Options.RandomFlip && ImageFolder.Flips(at, k), Options.SamplePosterior ? at : null);
        if (!Options.EncoderInput) return latents;
        // The pixel set flips by the same coin at the same position, so these are the latents' own images.
        var pixels = folder.Gather(indices, at);
        pixels.Labels?.Dispose();
        return latents with { EncoderInput = pixels.X };
    }

    /// <summary>The latents need no read-ahead (the cache is memory-mapped and the OS reads ahead); the encoder's images do.</summary>
    public void Prefetch(long[] indices, StreamPosition at)
    {
        if (Options.EncoderInput) folder.Prefetch(indices, at);
    }

    Batch Read(long[] indices, Func<int, bool> flipped, StreamPosition? noiseAt)
    {
        using var scope = NewDisposeScope();
        var z = cache.ReadLatents(indices, flipped, noiseAt is { } at ? SplitMix.Of(at.Seed ^ NoiseSalt, at.Offset) : null);
        var x = vae.Scale(z).contiguous();
        var labels = NumClasses is null ? null : tensor(indices.Select(i => (long)folder.Images[(int)i].Label).ToArray(), ScalarType.Int64);
        return new Batch(x.MoveToOuterDisposeScope(), labels?.MoveToOuterDisposeScope());
    }

    /// <summary>Latents (B, C, h, w) → images (B, C, H, W) in [−1, 1] through the VAE's decoder, float32 on the CPU.</summary>
    public Tensor DecodeImages(Tensor samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        using var scope = NewDisposeScope();
        using var noGradient = no_grad();
        var latents = samples.to(ScalarType.Float32, CPU);
        var parts = new List<Tensor>();
        for (long start = 0; start < latents.shape[0]; start += DecodeBatch)
        {
            using var batchScope = NewDisposeScope();
            parts.Add(vae.Decode(latents.narrow(0, start, Math.Min(DecodeBatch, latents.shape[0] - start))).clamp(-1, 1).MoveToOuterDisposeScope());
        }
        return cat(parts, 0).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        cache.Dispose();
        folder.Dispose();
        vae.Dispose();
    }
}
