using Research.Framework.Data;
using Research.Framework.Data.Images;
using Research.Framework.Latents;
using Research.Framework.Networks.Autoencoders;
using Research.Framework.Tests.Data.Images;
using Research.Framework.Tests.TestSupport;
using SkiaSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Latents;

/// <summary>
/// The latent cache over a folder of 10 generated 8×8 PNGs (left–right asymmetric, so a flip changes the latent),
/// encoded by a tiny random VAE (f = 2, latents 4×4×4) saved as a diffusers file: what the loader serves is checked
/// against the VAE run directly on the pixel set's own (equally flipped) images.
/// </summary>
public sealed class LatentImageFolderTests : IDisposable
{
    readonly TestImages.TempFolder temp = TestImages.Folder();
    readonly LatentImageFolderOptions options;

    public LatentImageFolderTests()
    {
        var random = new Random(3);
        var images = Path.Combine(temp.Path, "images");
        for (int i = 0; i < 10; i++)
        {
            var (r, g, b) = (random.Next(256), random.Next(256), random.Next(256));
            TestImages.Png(Path.Combine(images, $"{i:00}.png"), 8, 8, (x, y) => new SKColor((byte)(r * x / 7), (byte)g, (byte)((b + 16 * y) % 256)));
        }
        var config = new AutoencoderKLConfig { BlockOutChannels = [8, 16], LayersPerBlock = 1, NormNumGroups = 4, ScalingFactor = 0.7, ShiftFactor = 0.1 };
        using var generator = new Generator(5, CPU);
        using var vae = new AutoencoderKL(config, generator);
        options = new LatentImageFolderOptions
        {
            Folder = images, Resolution = 8, HoldOut = 0, CacheFolder = temp.Cache, VaeWeights = vae.SaveDiffusers(Path.Combine(temp.Path, "vae")),
            LatentCacheFolder = Path.Combine(temp.Path, "latents"), ShardSize = 3, EncodeBatch = 4, SamplePosterior = false,
        };
    }

    public void Dispose() => temp.Dispose();

    static readonly long[] All = [.. Enumerable.Range(0, 10).Select(i => (long)i)];

    /// <summary>The latents the VAE gives the pixel set's batch at the same stream position (same flips).</summary>
    static (Tensor Mean, Tensor Std) Direct(LatentImageFolder latents, ImageFolderOptions pixelOptions, StreamPosition at)
    {
        using var pixels = ImageFolder.Load(pixelOptions);
        using var noGradient = no_grad();
        var posterior = latents.Vae.EncodeDistribution(pixels.Gather(All, at).X);
        return (posterior.Mean, posterior.Std());
    }

    [Fact]
    public void ServesTheVaeLatentOfEachImageInTheOrientationOfItsSeededFlip()
    {
        using var scope = NewDisposeScope();
        using var latents = LatentImageFolder.Load(options);
        Assert.Equal(new long[] { 4, 4, 4 }, latents.SampleShape);
        Assert.Equal(4, Directory.GetFiles(latents.Cache.Folder, "shard-*.latents").Length);   // 10 images in shards of 3
        var at = new StreamPosition(Seed: 11, Offset: 20);
        int flipped = Enumerable.Range(0, 10).Count(k => ImageFolder.Flips(at, k));
        Assert.InRange(flipped, 1, 9);   // both orientations are exercised

        var (mean, _) = Direct(latents, options, at);
        TensorAssert.Close(latents.Vae.Scale(mean), latents.Gather(All, at).X, 1e-5);
        // Without the flip, the flipped samples' latents differ: the cache really stores two orientations.
        var (unflipped, _) = Direct(latents, options with { RandomFlip = false }, at);
        Assert.True((latents.Vae.Scale(unflipped) - latents.Gather(All, at).X).abs().max().item<float>() > 1e-3);
    }

    [Fact]
    public void PosteriorDrawsAreMeanPlusStdTimesSeededStandardNormalNoise()
    {
        using var scope = NewDisposeScope();
        using var latents = LatentImageFolder.Load(options with { SamplePosterior = true });
        var at = new StreamPosition(Seed: 2, Offset: 30);
        var x = latents.Gather(All, at).X;
        TensorAssert.Close(x, latents.Gather(All, at).X, 0);   // the same stream position draws the same noise: a resume is exact
        Assert.True((x - latents.Gather(All, at with { Offset = 40 }).X).abs().max().item<float>() > 0);

        var (mean, std) = Direct(latents, options, at);
        var noise = ((x / 0.7 + 0.1) - mean) / std;   // undo the scale and shift, then standardise
        double m = noise.mean().item<float>(), s = noise.std().item<float>();
        Assert.InRange(m, -4 / Math.Sqrt(640), 4 / Math.Sqrt(640));   // 640 values of N(0, 1): 4 standard errors
        Assert.InRange(s, 0.85, 1.15);
    }

    [Fact]
    public void ASecondLoadOpensTheCacheAndAnotherVaesCacheIsRefusedByName()
    {
        string folder;
        DateTime written;
        using (var first = LatentImageFolder.Load(options))
        {
            folder = first.Cache.Folder;
            written = File.GetLastWriteTimeUtc(LatentCache.ShardPath(folder, 0));
        }
        using (var second = LatentImageFolder.Load(options))
            Assert.Equal(folder, second.Cache.Folder);
        Assert.Equal(written, File.GetLastWriteTimeUtc(LatentCache.ShardPath(folder, 0)));   // not re-encoded

        var header = LatentCacheHeader.Read(LatentCache.ShardPath(folder, 0));
        var expected = header with { First = 0, Count = header.Total };
        var otherVae = Assert.Throws<InvalidDataException>(() => LatentCache.Open(folder, expected with { VaeHash = "0123" }));
        Assert.Contains("VAE weights SHA-256", otherVae.Message);
        Assert.Contains("shard-00000.latents", otherVae.Message);
        var otherData = Assert.Throws<InvalidDataException>(() => LatentCache.Open(folder, expected with { DataHash = "abcd" }));
        Assert.Contains("data hash", otherData.Message);
        using var opened = LatentCache.Open(folder, expected);
        Assert.Equal(10, opened.Count);
    }

    [Fact]
    public void SamplesDecodeThroughTheVaeIntoImagesInRange()
    {
        using var scope = NewDisposeScope();
        using var latents = LatentImageFolder.Load(options);
        var z = randn(3, 4, 4, 4) * 3;
        var images = latents.DecodeImages(z);
        using (no_grad()) TensorAssert.Close(latents.Vae.Decode(z).clamp(-1, 1), images, 1e-6);
        Assert.Same(latents.Images, ((IEncodedImages)latents).Images);
        Assert.Equal(new long[] { 3, 3, 8, 8 }, EncodedImages.ToImages(latents, z).shape);
    }

    [Fact]
    public void AResolutionTheVaeCannotHalveIsRefusedNamingTheSetting()
    {
        var error = Assert.Throws<ArgumentException>(() => LatentImageFolder.Load(options with { Resolution = 7 }));
        Assert.Contains("Dataset.Resolution 7", error.Message);
        Assert.Contains("Dataset.VaeWeights", Assert.Throws<ArgumentException>(() => LatentImageFolder.Load(options with { VaeWeights = "" })).Message);
    }

    [Fact]
    public void TheLoaderCarriesEachBatchsOwnImagesForTheEncoderInTheirOrientation()
    {
        using var scope = NewDisposeScope();
        using var latents = LatentImageFolder.Load(options with { EncoderInput = true });
        using var pixels = ImageFolder.Load(options);
        var loaderOptions = new BatchLoaderOptions { BatchSize = 4, Seed = 9 };
        using var latentLoader = new BatchLoader(latents, loaderOptions);
        using var pixelLoader = new BatchLoader(pixels, loaderOptions);
        for (int step = 0; step < 4; step++)   // past an epoch boundary (10 samples)
        {
            var batch = latentLoader.Next();
            var images = pixelLoader.Next().X;
            Assert.NotNull(batch.EncoderInput);
            TensorAssert.Close(images, batch.EncoderInput!, 0);   // the same samples and flips as the pixel set's loader
            using var noGradient = no_grad();
            TensorAssert.Close(latents.Vae.Encode(images), batch.X, 1e-5);   // and they are these latents' images
        }
        using var plain = LatentImageFolder.Load(options);
        using var plainLoader = new BatchLoader(plain, loaderOptions);
        Assert.Null(plainLoader.Next().EncoderInput);
    }

    [Fact]
    public void AnUnfinishedCacheIsRebuiltInPlace()
    {
        string folder;
        using (var built = LatentImageFolder.Load(options)) folder = built.Cache.Folder;
        File.Delete(Path.Combine(folder, LatentCache.ManifestName));   // as a crash before the manifest leaves it
        File.WriteAllText(LatentCache.ShardPath(folder, 0), "cut short");
        using var rebuilt = LatentImageFolder.Load(options);
        Assert.Equal(folder, rebuilt.Cache.Folder);
        Assert.True(LatentCache.IsComplete(folder));
        Assert.Equal(10, LatentCacheHeader.Read(LatentCache.ShardPath(folder, 0)).Total);
        Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(folder)!, "*.building-*"));
    }
}
