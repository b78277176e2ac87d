using Research.Framework.Training;
using Research.Framework.Encoders;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Encoders;

public sealed class ConvFeatureEncoderTests : IDisposable
{
    internal static readonly ConvEncoderOptions Small = new() { Width = 8, FeatureDim = 16, Groups = 4, NumClasses = 4, Seed = 5 };
    internal static readonly ClassifierTrainingOptions Short = new() { Steps = 5, BatchSize = 16, Seed = 2 };

    readonly string root = Directory.CreateTempSubdirectory("encoder-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Theory]
    [InlineData(16, 16)] // 16 → 8 → 4: a 4×4 grid
    [InlineData(28, 49)] // 28 → 14 → 7
    [InlineData(32, 64)] // 32 → 16 → 8 (Fashion-MNIST padded)
    public void EncodeGivesOneTokenPerCellOfTheLastGridWithoutGradient(int side, int tokens)
    {
        using var scope = NewDisposeScope();
        var encoder = new ConvFeatureEncoder(Small);

        var features = encoder.Encode(rand(3, 1, side, side) * 2 - 1);

        Assert.Equal(new long[] { 3, tokens, 16 }, features.shape);
        Assert.False(features.requires_grad);
        Assert.False(encoder.training);
        Assert.Equal(16, encoder.FeatureDim);
    }

    [Fact]
    public void TheWrongChannelCountIsRejectedWithTheExpectedShape()
    {
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => new ConvFeatureEncoder(Small).Encode(zeros(2, 3, 16, 16)));
        Assert.Contains("(B, 1, H, W)", error.Message);
        Assert.Throws<ArgumentException>(() => new ConvFeatureEncoder(Small with { Groups = 3 }));
    }

    [Fact]
    public void TheSeedFixesTheWeightsAndTheTraining()
    {
        using var scope = NewDisposeScope();
        var x = rand(2, 1, 16, 16) * 2 - 1;
        var data = SquaresData.Create(32, 16);

        // Same seeds: bit-identical (tolerance 0) at init and after five AdamW steps; another seed differs.
        TensorAssert.Close(new ConvFeatureEncoder(Small).Encode(x), new ConvFeatureEncoder(Small).Encode(x), 0);
        var first = ConvFeatureEncoder.Train(data, Small, Short);
        var second = ConvFeatureEncoder.Train(data, Small, Short);
        TensorAssert.Close(first.Encode(x), second.Encode(x), 0);
        Assert.NotEqual(TensorAssert.Values(new ConvFeatureEncoder(Small).Encode(x)), TensorAssert.Values(new ConvFeatureEncoder(Small with { Seed = 6 }).Encode(x)));
    }

    [Fact]
    public void ASavedFileLoadsToTheSameOutputs()
    {
        using var scope = NewDisposeScope();
        var encoder = ConvFeatureEncoder.Train(SquaresData.Create(32, 16), Small, Short);
        var path = Path.Combine(root, "encoder.bin");
        var hash = encoder.Save(path);
        var x = rand(4, 1, 16, 16) * 2 - 1;

        var loaded = ConvFeatureEncoder.Load(path, hash);

        Assert.Equal(Small, loaded.Options);
        TensorAssert.Close(encoder.Encode(x), loaded.Encode(x), 0);
        TensorAssert.Close(encoder.Logits(x), loaded.Logits(x), 0);
    }

    [Fact]
    public void MissingForeignAndMismatchedFilesGiveClearErrors()
    {
        var missing = Path.Combine(root, "absent.bin");
        var notFound = Assert.Throws<FileNotFoundException>(() => ConvFeatureEncoder.Load(missing));
        Assert.Contains(missing, notFound.Message);

        var foreign = Path.Combine(root, "foreign.bin");
        File.WriteAllBytes(foreign, [1, 2, 3, 4, 5]);
        Assert.Contains(foreign, Assert.Throws<InvalidDataException>(() => ConvFeatureEncoder.Load(foreign)).Message);

        var saved = Path.Combine(root, "saved.bin");
        new ConvFeatureEncoder(Small).Save(saved);
        var mismatch = Assert.Throws<InvalidDataException>(() => ConvFeatureEncoder.Load(saved, new string('0', 64)));
        Assert.Contains("SHA-256", mismatch.Message);
    }
}
