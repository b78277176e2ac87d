using Research.Framework.Data;
using Research.Framework.Latents;
using Research.Framework.Networks.Autoencoders;
using SkiaSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Experiments.Tests.Images;

/// <summary>
/// sit-latent-imagefolder from the program's entry point: a folder of generated 16×16 PNGs, a tiny random VAE that the
/// test saves as a diffusers file (blocks [8, 16]: latents 4×8×8), a few training steps on the cached latents, and
/// previews and metrics of samples decoded back to 16×16 images.
/// </summary>
public sealed class LatentImageFolderProgramTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("latent-imagefolder-program-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    string TinyVae()
    {
        var config = new AutoencoderKLConfig { BlockOutChannels = [8, 16], LayersPerBlock = 1, NormNumGroups = 4 };
        using var generator = new Generator(7, CPU);
        using var vae = new AutoencoderKL(config, generator);
        return vae.SaveDiffusers(Path.Combine(root, "vae"));
    }

    [Fact]
    public void TrainsOnTheVaeLatentsOfAFolderAndDecodesItsSamplesForPreviewsAndNumbers()
    {
        var folder = ShapeFolder.Write(Path.Combine(root, "shapes"));
        var runs = Path.Combine(root, "runs");
        var latentCache = Path.Combine(root, "latents");
        string[] command =
        [
            "run", "sit-latent-imagefolder", "--runs-dir", runs, "--Dataset.Folder", folder, "--Dataset.CacheFolder", Path.Combine(root, "cache"),
            "--Dataset.VaeWeights", TinyVae(), "--Dataset.LatentCacheFolder", latentCache, "--Dataset.Resolution", "16",
            "--Network.InputSize", "8", "--Network.NumClasses", "2", "--Steps", "4", "--LogEvery", "2", "--PreviewEvery", "2", "--PreviewCount", "4",
            "--SampleCount", "8", "--BatchSize", "8", "--Network.HiddenSize", "32", "--Network.Depth", "1", "--Network.NumHeads", "2", "--Sampler.Steps", "2",
            "--Evaluate.Every", "2", "--Evaluate.Samples", "8", "--Threads", "1",
        ];
        var (code, output, error) = ProgramTests.Run(command);
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        var cache = Directory.GetDirectories(latentCache).Single();
        Assert.True(LatentCache.IsComplete(cache));
        var header = LatentCacheHeader.Read(LatentCache.ShardPath(cache, 0));
        Assert.Equal(32, header.Total);   // 36 files, 4 held back for the reference
        Assert.Equal(new long[] { 4, 8, 8 }, header.LatentShape);
        var written = File.GetLastWriteTimeUtc(LatentCache.ShardPath(cache, 0));

        var run = Directory.GetDirectories(Path.Combine(runs, "sit-latent-imagefolder")).Single();
        foreach (var file in new[] { "media/samples_00000002.png", "media/eval_samples_00000002.png", "media/final_samples_00000004.png", "checkpoints/step-00000004.ckpt" })
            Assert.True(File.Exists(Path.Combine(run, file)), $"{file} missing in {run}");
        // samples.npy holds the latents; the pictures are the decoded images (an image grid refuses 4-channel latents).
        var (shape, _) = NpyFile.ReadFloat32(Path.Combine(run, "samples.npy"));
        Assert.Equal(new long[] { 8, 4, 8, 8 }, shape);
        using (var preview = SKBitmap.Decode(Path.Combine(run, "media/samples_00000002.png")))
            Assert.NotNull(preview);
        using var protocols = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "protocols.json")));
        foreach (var key in new[] { "final/fd", "final/precision", "final/recall", "eval/fd" })
            Assert.Equal("pixels-8x8", protocols.RootElement.GetProperty(key).GetProperty("protocol").GetProperty("Extractor").GetString());

        // A second run reads the cache without encoding again.
        var (again, againOutput, againError) = ProgramTests.Run(command);
        Assert.True(again == 0, $"exit {again}: {againError}\n{againOutput}");
        Assert.Equal(written, File.GetLastWriteTimeUtc(LatentCache.ShardPath(cache, 0)));
    }
}
