using System.Text.Json;
using Research.Framework.Encoders.Dinov2;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit;
using static TorchSharp.torch;

namespace Research.Experiments.Tests;

/// <summary>`--Repa.Encoder dinov2 --Repa.EncoderWeights FILE` swaps REPA's offline encoder for a DINOv2 ViT read from a Hugging Face-style file.</summary>
public sealed class RepaDinov2CommandTests : IDisposable
{
    readonly string runs = Directory.CreateTempSubdirectory("repa-dinov2-").FullName;

    public void Dispose() => Directory.Delete(runs, recursive: true);

    /// <summary>A tiny DINOv2 (hidden 64, 1 layer, patch 4, a 4×4 table) with seeded weights, saved as model.safetensors + config.json under the published names.</summary>
    string TinyWeights()
    {
        using var scope = NewDisposeScope();
        var config = new Dinov2Config { HiddenSize = 64, NumLayers = 1, NumHeads = 1, PatchSize = 4, ImageSize = 16 };
        var vit = new Dinov2Vit(config);
        using var generator = new Generator(5);
        using (no_grad())
            foreach (var parameter in vit.parameters()) parameter.normal_(0, 0.2, generator);
        var folder = Directory.CreateDirectory(Path.Combine(runs, "dinov2-tiny")).FullName;
        Safetensors.SaveStateDict(Path.Combine(folder, "model.safetensors"), vit.state_dict());
        File.WriteAllText(Path.Combine(folder, "config.json"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["model_type"] = "dinov2", ["hidden_size"] = 64, ["num_hidden_layers"] = 1, ["num_attention_heads"] = 1,
            ["patch_size"] = 4, ["image_size"] = 16, ["mlp_ratio"] = 4, ["layer_norm_eps"] = 1e-6, ["hidden_act"] = "gelu",
        }));
        return Path.Combine(folder, "model.safetensors");
    }

    static readonly string[] Tiny = ["--Steps", "2", "--BatchSize", "4", "--LogEvery", "2", "--PreviewEvery", "0", "--PreviewCount", "4", "--SampleCount", "8",
        "--Network.HiddenSize", "32", "--Network.Depth", "2", "--Network.NumHeads", "2", "--Network.FrequencyEmbedSize", "32", "--Sampler.Steps", "2",
        "--Repa.Depth", "1", "--Repa.ProjectionDim", "16", "--Evaluate.ReferenceSteps", "5"];

    [Fact]
    public void RepaFashionMnistTrainsWithDinov2TargetsFromAFile()
    {
        var weights = TinyWeights();
        var (code, output, error) = ProgramTests.Run(["run", "repa-fashion-mnist", "--runs-dir", runs, .. Tiny, "--Evaluate.CacheRoot", runs,
            "--Repa.Encoder", "dinov2", "--Repa.EncoderWeights", weights, "--Repa.EncoderResolution", "16", "--Repa.CacheRoot", runs]);

        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        var run = Directory.GetDirectories(Path.Combine(runs, "repa-fashion-mnist")).Single();
        Assert.Contains("\"train/repa_loss\"", File.ReadAllText(Path.Combine(run, "metrics.jsonl")));
        Assert.Contains("\"Repa.Encoder\": \"Dinov2\"", File.ReadAllText(Path.Combine(run, "config.json")));
        // No offline encoder was trained or cached: DINOv2 replaced it.
        Assert.False(Directory.Exists(Path.Combine(runs, ".cache", "encoders")));
    }

    [Fact]
    public void Dinov2WithoutWeightsIsAUsageError()
    {
        var (code, output, error) = ProgramTests.Run(["run", "repa-fashion-mnist", "--runs-dir", runs, .. Tiny, "--Repa.Encoder", "dinov2"]);
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Contains("--Repa.Encoder dinov2 needs --Repa.EncoderWeights", error + output);
    }
}
