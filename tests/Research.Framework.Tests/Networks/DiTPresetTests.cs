using Research.Framework.Interfaces;
using Research.Framework.Networks;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Networks;

public class DiTPresetTests
{
    [Theory]
    [InlineData("S/2", 384, 12, 6, 2)]
    [InlineData("B/4", 768, 12, 12, 4)]
    [InlineData("L/8", 1024, 24, 16, 8)]
    [InlineData("XL_2", 1152, 28, 16, 2)]
    public void PresetsHaveThePapersShapes(string name, int hidden, int depth, int heads, int patch)
    {
        var o = DiTOptions.Preset(name, 32, 4, 1000);
        Assert.Equal((hidden, depth, heads, patch, 4, 32, 1000), (o.HiddenSize, o.Depth, o.NumHeads, o.PatchSize, o.InChannels, o.InputSize, o.NumClasses));
    }

    [Theory]
    [InlineData("M/2")]
    [InlineData("S")]
    [InlineData("S/x")]
    [InlineData("S/0")]
    public void BadPresetNamesAreRejected(string name) => Assert.Throws<ArgumentException>(() => DiTOptions.Preset(name, 32, 4, 1000));

    [Theory]
    [InlineData("S/2", 256)]
    [InlineData("S/4", 64)]
    [InlineData("S/8", 16)]
    public void SPresetsMapNchwToNchwWithTheirTokenCount(string name, int tokens)
    {
        using var scope = NewDisposeScope();
        using var model = DiT.Preset(name, 32, 4, 1000);
        model.eval();
        model.ReturnFeatures = true;
        using var _ = no_grad();
        var result = model.Forward(randn(2, 4, 32, 32), rand(2), new Conditioning(Labels: tensor(new long[] { 3, 1000 })));
        Assert.Equal(new long[] { 2, 4, 32, 32 }, result.Output.shape);
        Assert.Equal(12, result.Features.Count);
        Assert.All(result.Features, f => Assert.Equal(new long[] { 2, tokens, 384 }, f.shape));
    }

    [Fact]
    public void WrongInputShapesAreRejectedBeforeAnyKernelRuns()
    {
        using var scope = NewDisposeScope();
        using var model = new DiT(TestSupport.NetworkFactory.Tiny);
        Assert.Throws<ArgumentException>(() => model.Forward(randn(2, 4, 8, 8), rand(2), Conditioning.None));
        Assert.Throws<ArgumentException>(() => model.Forward(randn(2, 3, 8, 8), rand(3), Conditioning.None));
        Assert.Throws<ArgumentException>(() => model.Forward(randn(2, 3, 8, 8), rand(2), new Conditioning(Labels: tensor(new long[] { 1, 2, 3 }))));
    }
}
