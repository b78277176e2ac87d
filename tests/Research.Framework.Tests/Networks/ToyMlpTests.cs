using Research.Framework.Interfaces;
using Research.Framework.Networks;
using Research.Framework.Tests.TestSupport;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Networks;

public class ToyMlpTests
{
    [Fact]
    public void MapsBatchesToTheirOwnShape()
    {
        using var scope = NewDisposeScope();
        using var flat = new ToyMlp(new ToyMlpOptions());
        Assert.Equal(new long[] { 5, 2 }, flat.Forward(randn(5, 2), rand(5), Conditioning.None).Output.shape);
        using var image = new ToyMlp(new ToyMlpOptions { Dim = 16, Hidden = 32 });
        Assert.Equal(new long[] { 5, 1, 4, 4 }, image.Forward(randn(5, 1, 4, 4), rand(5), Conditioning.None).Output.shape);
        Assert.Throws<ArgumentException>(() => flat.Forward(randn(5, 3), rand(5), Conditioning.None));
        Assert.Throws<ArgumentException>(() => flat.Forward(randn(5, 2), rand(4), Conditioning.None));
    }

    [Fact]
    public void GradientsReachEveryParameter()
    {
        using var scope = NewDisposeScope();
        using var model = new ToyMlp(new ToyMlpOptions { Hidden = 16, Depth = 2, TakeDt = true, NumClasses = 3 });
        model.Forward(randn(6, 2), rand(6), new Conditioning(Labels: tensor(new long[] { 0, 1, 2, 3, 0, 1 }), Dt: rand(6)))
            .Output.square().sum().backward();
        var names = model.named_parameters().Select(p => p.name).ToArray();
        Assert.Contains("input.weight", names);
        Assert.Contains("layers.1.weight", names);
        Assert.Contains("output.bias", names);
        Assert.Contains("y_embedder.embedding_table.weight", names);
        Assert.Contains("dt_embedder.mlp.2.weight", names);
        foreach (var (name, p) in model.named_parameters())
            Assert.True(p.grad is not null && TensorAssert.Scalar(p.grad.abs().sum()) > 0, $"{name} got no gradient");
    }

    [Fact]
    public void DtAndLabelsChangeTheOutputOnlyWhenTaken()
    {
        using var scope = NewDisposeScope();
        using var plain = new ToyMlp(new ToyMlpOptions { Hidden = 16 });
        // Scale 1000: untrained, a two-time model's default raw-time embedding (scale 1) moves the output by less than 1e-5.
        using var rich = new ToyMlp(new ToyMlpOptions { Hidden = 16, TakeDt = true, NumClasses = 3, TimeScale = 1000 });
        rich.eval();
        var x = randn(4, 2);
        var t = rand(4);
        var dt = rand(4);
        var labels = tensor(new long[] { 0, 1, 2, 0 });
        TensorAssert.Close(plain.Forward(x, t, Conditioning.None).Output, plain.Forward(x, t, new Conditioning(labels, dt)).Output, 0);
        var baseline = rich.Forward(x, t, new Conditioning(labels)).Output;
        Assert.True(TensorAssert.Scalar((rich.Forward(x, t, new Conditioning(labels, dt)).Output - baseline).abs().max()) > 1e-5);
        Assert.True(TensorAssert.Scalar((rich.Forward(x, t, Conditioning.None).Output - baseline).abs().max()) > 1e-5);
        TensorAssert.Close(rich.Forward(x, t, new Conditioning(labels, zeros(4))).Output, baseline, 0);
    }

    /// <summary>One-time toys embed 1000·t; a model that takes dt embeds raw times (MeanFlow differentiates it along t).</summary>
    [Fact]
    public void TimeScaleDefaultsToRawTimesOnlyForTwoTimeModels()
    {
        Assert.Equal(1000, new ToyMlpOptions().ResolvedTimeScale);
        Assert.Equal(1, new ToyMlpOptions { TakeDt = true }.ResolvedTimeScale);
        Assert.Equal(30, new ToyMlpOptions { TakeDt = true, TimeScale = 30 }.ResolvedTimeScale);
        var error = Assert.Throws<ArgumentException>(() => new ToyMlpOptions { TimeScale = 0 }.Validate());
        Assert.Contains("TimeScale", error.Message);
    }

    [Fact]
    public void SameSeedSameWeights()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var a = new ToyMlp(new ToyMlpOptions { Seed = 4 });
        manual_seed(9);
        using var b = new ToyMlp(new ToyMlpOptions { Seed = 4 });
        var sa = a.state_dict();
        foreach (var (name, tensor) in b.state_dict()) TensorAssert.Close(sa[name], tensor, 0);
    }
}
