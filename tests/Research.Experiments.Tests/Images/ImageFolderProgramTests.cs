using SkiaSharp;
using Xunit;

namespace Research.Experiments.Tests.Images;

/// <summary>dit-imagefolder from the program's entry point on a folder of generated PNGs: two classes of coloured shapes at 16×16.</summary>
public sealed class ImageFolderProgramTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("imagefolder-program-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    string Shapes() => ShapeFolder.Write(Path.Combine(root, "shapes"));

    static readonly string[] Tiny =
    [
        "--Dataset.Resolution", "16", "--Network.InputSize", "16", "--Steps", "4", "--LogEvery", "2", "--PreviewEvery", "2", "--PreviewCount", "4",
        "--SampleCount", "8", "--BatchSize", "8", "--Network.HiddenSize", "32", "--Network.Depth", "1", "--Network.NumHeads", "2", "--Sampler.Steps", "2",
        "--Evaluate.Every", "2", "--Evaluate.Samples", "8", "--Threads", "1",
    ];

    [Fact]
    public void TrainsOnAFolderOfPngsAndWritesPreviewsAndNumbersAgainstHeldBackImages()
    {
        var folder = Shapes();
        var runs = Path.Combine(root, "runs");
        string[] common = ["run", "dit-imagefolder", "--runs-dir", runs, "--Dataset.Folder", folder, "--Dataset.CacheFolder", Path.Combine(root, "cache"), .. Tiny];

        // The folder has two classes: the default (unconditional) network is refused, naming the value to set.
        var (refusedCode, refusedOutput, refusedError) = ProgramTests.Run(common);
        Assert.True(refusedCode == 2, $"exit {refusedCode}: {refusedError}\n{refusedOutput}");
        Assert.Contains("--Network.NumClasses 2", refusedError + refusedOutput);

        var (code, output, error) = ProgramTests.Run([.. common, "--Network.NumClasses", "2"]);
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        var run = Directory.GetDirectories(Path.Combine(runs, "dit-imagefolder")).Single();
        foreach (var file in new[] { "media/samples_00000002.png", "media/final_samples_00000004.png", "samples.npy", "checkpoints/step-00000004.ckpt" })
            Assert.True(File.Exists(Path.Combine(run, file)), $"{file} missing in {run}");
        using (var preview = SKBitmap.Decode(Path.Combine(run, "media/samples_00000002.png"))) Assert.NotNull(preview);
        using var protocols = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "protocols.json")));
        foreach (var key in new[] { "final/fd", "final/precision", "final/recall", "eval/fd" })
            Assert.Equal("pixels-8x8", protocols.RootElement.GetProperty(key).GetProperty("protocol").GetProperty("Extractor").GetString());
    }
}
