using Research.Framework.Data;
using Research.Framework.Training;
using Research.Framework.Encoders;
using Research.Framework.Tests.TestSupport;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Encoders;

public sealed class EncoderCacheTests : IDisposable
{
    readonly string runs = Directory.CreateTempSubdirectory("encoder-cache-").FullName;
    readonly List<string> messages = [];
    int trainingSteps, dataLoads;

    public void Dispose() => Directory.Delete(runs, recursive: true);

    ConvFeatureEncoder LoadOrTrain(ClassifierTrainingOptions? training = null) =>
        EncoderCache.LoadOrTrain(runs, "squares", () => { dataLoads++; return SquaresData.Create(32, 16); },
            ConvFeatureEncoderTests.Small, training ?? ConvFeatureEncoderTests.Short, messages.Add, (_, _) => trainingSteps++);

    [Fact]
    public void TheSecondCallLoadsTheCachedWeightsWithoutTraining()
    {
        using var scope = NewDisposeScope();
        var x = rand(2, 1, 16, 16) * 2 - 1;

        var trained = LoadOrTrain();
        Assert.Equal((5, 1), (trainingSteps, dataLoads));
        var cached = LoadOrTrain();

        Assert.Equal((5, 1), (trainingSteps, dataLoads)); // no step, not even the data was loaded
        TensorAssert.Close(trained.Encode(x), cached.Encode(x), 0);
        var path = EncoderCache.PathFor(runs, "squares", ConvFeatureEncoderTests.Small, ConvFeatureEncoderTests.Short);
        Assert.StartsWith(Path.Combine(runs, ".cache", "encoders", "squares-conv-"), path);
        Assert.Equal(FileHash.Sha256(path), File.ReadAllText(path + EncoderCache.HashSuffix));
    }

    [Fact]
    public void OtherSettingsGetTheirOwnFile()
    {
        var a = EncoderCache.PathFor(runs, "squares", ConvFeatureEncoderTests.Small, ConvFeatureEncoderTests.Short);
        Assert.NotEqual(a, EncoderCache.PathFor(runs, "squares", ConvFeatureEncoderTests.Small, ConvFeatureEncoderTests.Short with { Steps = 6 }));
        Assert.NotEqual(a, EncoderCache.PathFor(runs, "squares", ConvFeatureEncoderTests.Small with { Seed = 1 }, ConvFeatureEncoderTests.Short));
        Assert.NotEqual(a, EncoderCache.PathFor(runs, "other", ConvFeatureEncoderTests.Small, ConvFeatureEncoderTests.Short));
    }

    [Fact]
    public void ACorruptedFileIsRetrainedAndReplaced()
    {
        using var scope = NewDisposeScope();
        var x = rand(2, 1, 16, 16) * 2 - 1;
        var trained = LoadOrTrain();
        var path = EncoderCache.PathFor(runs, "squares", ConvFeatureEncoderTests.Small, ConvFeatureEncoderTests.Short);
        var bytes = File.ReadAllBytes(path);
        bytes[^10] ^= 0xFF; // one flipped weight byte
        File.WriteAllBytes(path, bytes);

        var retrained = LoadOrTrain();

        Assert.Equal(10, trainingSteps);
        Assert.Contains(messages, m => m.Contains("SHA-256") && m.Contains("retraining"));
        TensorAssert.Close(trained.Encode(x), retrained.Encode(x), 0); // same seeds, same encoder
        Assert.Equal(FileHash.Sha256(path), File.ReadAllText(path + EncoderCache.HashSuffix));
        LoadOrTrain();
        Assert.Equal(10, trainingSteps);
    }
}
