using Research.Framework.Data;
using Research.Framework.Interfaces;
using Research.Framework.Networks;
using Research.Framework.Tracking;
using Research.Framework.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Training;

/// <summary>Every interface trains through the real trainer on the toy MLP and on a tiny DiT.</summary>
public sealed class EndToEndTrainingTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("end-to-end-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    public static TheoryData<string, string> Pairs => new()
    {
        { "sit", "toy" }, { "edm", "toy" }, { "meanflow", "toy" },
        { "sit", "dit" }, { "edm", "dit" }, { "meanflow", "dit" },
    };

    static Interface Model(string name, IDiffusionNetwork network) => name switch
    {
        "sit" => new SiTInterface(network, TimeDist.LogitNormal, new SiTOptions { Seed = 1 }),
        "edm" => new EdmInterface(network, TimeDist.LogNormal, new EdmOptions { Seed = 1, TMu = -1.2, TSigma = 1.2 }),
        _ => new MeanFlowInterface(network, TimeDist.LogitNormal, new MeanFlowOptions { Seed = 1, GuidanceScale = 2, GuidanceMixtureRatio = 0.5, CondDropRatio = 0.2 }),
    };

    static (IDiffusionNetwork Network, IDataset Data) Setup(string network, bool meanFlow)
    {
        double dropout = meanFlow ? 0 : 0.1; // MeanFlow drops conditions itself
        if (network == "toy")
            return (new ToyMlp(new ToyMlpOptions { Hidden = 64, Depth = 2, NumClasses = 8, ClassDropoutProb = dropout, TakeDt = meanFlow, Seed = 3 }), new EightGaussians());
        // 64 images (1, 8, 8): a bright square whose position is the label.
        var images = full(64, 1, 8, 8, -1f);
        var labels = arange(64, ScalarType.Int64) % 4;
        for (int i = 0; i < 64; i++)
        {
            int k = i % 4;
            images[i, 0, (k / 2 * 4)..(k / 2 * 4 + 4), (k % 2 * 4)..(k % 2 * 4 + 4)] = tensor(1f);
        }
        var dit = new DiT(new DiTOptions { InputSize = 8, PatchSize = 2, InChannels = 1, HiddenSize = 32, Depth = 2, NumHeads = 2,
            NumClasses = 4, ClassDropoutProb = dropout, TakeDt = meanFlow, Seed = 3 });
        return (dit, new TensorDataset(images, labels, 4));
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void TrainsAndLowersTheLoss(string interfaceName, string networkName)
    {
        var (network, data) = Setup(networkName, interfaceName == "meanflow");
        var model = Model(interfaceName, network);
        using var loader = new BatchLoader(data, new BatchLoaderOptions { BatchSize = 32, Seed = 2 });
        var directory = Path.Combine(root, $"{interfaceName}-{networkName}");
        using var tracker = new JsonlTracker(directory);
        var options = new TrainerOptions
        {
            Steps = 60, LogEvery = 20, CheckpointEvery = 60,
            Optimizer = new OptimizerOptions { LearningRate = 2e-3 }, Ema = [new EmaOptions(0.99, Warmup: false)],
        };
        using var trainer = new Trainer(model, loader, options, directory, tracker, progress: new TrainingProgress(TextWriter.Null, false, 60));

        trainer.Run();

        var lines = File.ReadAllLines(tracker.MetricsPath).Select(l => System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, double>>(l)!).ToArray();
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => Assert.True(double.IsFinite(l["train/loss"]) && double.IsFinite(l["train/grad_norm"])));
        Assert.True(lines[^1]["train/loss"] < lines[0]["train/loss"], $"loss {lines[0]["train/loss"]} → {lines[^1]["train/loss"]}");
    }
}
