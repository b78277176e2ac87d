using Research.Framework.Interfaces;
using Research.Framework.Networks.Lightning;
using Research.Framework.Tests.Differentiation;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Networks.Lightning;

/// <summary>
/// LightningDiT's contract beside its PyTorch parity (Parity/LightningDiTParityTests): adaLN-Zero, seeded weights,
/// the closed-form parameter count against built models, presets and their errors, block features, and its forward-mode
/// tangent rule against the double-VJP and a central difference. In the JVP collection: the double-VJP runs through
/// attention, which must not meet the flash-attention test on another thread.
/// </summary>
[Collection(nameof(JvpTests))]
public class LightningDiTBehaviourTests
{
    static readonly LightningDiTOptions Tiny = new()
    {
        InputSize = 8, PatchSize = 2, InChannels = 3, HiddenSize = 32, Depth = 2, NumHeads = 4,
        FrequencyEmbedSize = 16, NumClasses = 5, ClassDropoutProb = 0.1, Seed = 7,
    };

    static Conditioning Labels => new(Labels: tensor(new long[] { 0, 4, 5 }));

    [Fact]
    public void OutputIsExactlyZeroAtInitButNotAfterOneStep()
    {
        using var scope = NewDisposeScope();
        using var model = new LightningDiT(Tiny with { TakeDt = true, QkNorm = true });
        var x = randn(3, 3, 8, 8);
        var output = model.Forward(x, rand(3), Labels with { Dt = rand(3) }).Output;
        Assert.Equal(new long[] { 3, 3, 8, 8 }, output.shape);
        Assert.Equal(0.0, TensorAssert.Scalar(output.abs().max()));

        using var optimizer = optim.SGD(model.parameters(), 0.1);
        nn.functional.mse_loss(model.Forward(x, rand(3), Labels).Output, ones_like(x)).backward();
        optimizer.step();
        Assert.True(TensorAssert.Scalar(model.Forward(x, rand(3), Labels).Output.abs().max()) > 0);
    }

    [Fact]
    public void SameSeedGivesIdenticalWeightsWhateverTheGlobalGenerator()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var a = new LightningDiT(Tiny);
        manual_seed(2);
        using var b = new LightningDiT(Tiny);
        using var c = new LightningDiT(Tiny with { Seed = 8 });
        var sa = a.state_dict();
        foreach (var (name, tensor) in b.state_dict()) TensorAssert.Close(sa[name], tensor, 0);
        Assert.NotEqual(TensorAssert.Values(sa["blocks.0.mlp.w12.weight"]), TensorAssert.Values(c.state_dict()["blocks.0.mlp.w12.weight"]));
    }

    [Fact]
    public void ClosedFormCountEqualsTheBuiltModelsForEveryOption()
    {
        foreach (var options in new[]
        {
            Tiny, Tiny with { TakeDt = true }, Tiny with { QkNorm = true }, Tiny with { AdaLnShift = false },
            Tiny with { NumClasses = null, MlpRatio = 2.5, FrequencyEmbedSize = 15 },
        })
        {
            using var model = new LightningDiT(options);
            Assert.Equal(options.ParameterCount(), model.parameters().Sum(p => p.numel()));
        }
    }

    [Fact]
    public void PresetsHaveThePapersSizesAndBadOnesAreRefusedWithTheChoices()
    {
        var xl = LightningDiTOptions.Preset("XL/1", 16, 32, 1000);
        Assert.Equal((1152, 28, 16, 1, 3072), (xl.HiddenSize, xl.Depth, xl.NumHeads, xl.PatchSize, xl.FfnHidden));
        var l = LightningDiTOptions.Preset("L_2", 32, 4, 1000);
        Assert.Equal((1024, 24, 16, 2, 2730), (l.HiddenSize, l.Depth, l.NumHeads, l.PatchSize, l.FfnHidden));
        Assert.Equal((768, 12, 12, 2048), (LightningDiTOptions.Preset("b/2", 32, 4, null) is var b ? (b.HiddenSize, b.Depth, b.NumHeads, b.FfnHidden) : default));
        Assert.Contains("known: B, L, XL", Assert.Throws<ArgumentException>(() => LightningDiTOptions.Preset("S/2", 32, 4, 10)).Message, StringComparison.Ordinal);
        Assert.Contains("SIZE/PATCH", Assert.Throws<ArgumentException>(() => LightningDiTOptions.Preset("XL", 32, 4, 10)).Message, StringComparison.Ordinal);
        // Head width 32/8 = 4 is fine; 24/4 = 6 cannot be split into row and column pairs.
        Assert.Contains("multiple of 4 (2-D RoPE", Assert.Throws<ArgumentException>(() => new LightningDiT(Tiny with { HiddenSize = 24 })).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BlockFeaturesAreEveryBlocksTokensOnlyWhenAskedFor()
    {
        using var scope = NewDisposeScope();
        using var model = new LightningDiT(Tiny with { Depth = 3 });
        NetworkFactory.Randomize(model, 3);
        model.eval();
        var x = randn(3, 3, 8, 8);
        var t = rand(3);
        Assert.Empty(model.Forward(x, t, Labels).Features);
        model.ReturnFeatures = true;
        var output = model.Forward(x, t, Labels);
        Assert.Equal(3, output.Features.Count);
        Assert.All(output.Features, f => Assert.Equal(new long[] { 3, 16, 32 }, f.shape));
        Assert.NotEqual(TensorAssert.Values(output.Features[0]), TensorAssert.Values(output.Features[2]));
    }

    /// <summary>
    /// The forward-mode rule (RMSNorm, qk-norm, RoPE, attention, SwiGLU, adaLN with and without shift) equals the double-VJP
    /// to round-off and a central difference to O(ε²), in float64 with randomised weights (ForwardModeJvpTests.AssertExact).
    /// </summary>
    [Theory]
    [InlineData(false, true, 5)]
    [InlineData(true, false, 5)]
    [InlineData(true, true, null)]
    public void TangentRuleIsExact(bool qkNorm, bool adaLnShift, int? classes)
    {
        using var scope = NewDisposeScope();
        using var model = new LightningDiT(Tiny with { TakeDt = true, QkNorm = qkNorm, AdaLnShift = adaLnShift, NumClasses = classes });
        NetworkFactory.Randomize(model, 5, std: 0.2);
        model.to(ScalarType.Float64).eval();
        ForwardModeJvpTests.AssertExact(model, [3, 3, 8, 8], classes is null ? null : tensor(new long[] { 0, 4, 5 }), seed: 33);
    }

    [Fact]
    public void FeaturesOfTheTangentPassAreThePrimalPasss()
    {
        using var scope = NewDisposeScope();
        using var model = new LightningDiT(Tiny with { NumClasses = null });
        NetworkFactory.Randomize(model, 9);
        model.to(ScalarType.Float64).eval();
        model.ReturnFeatures = true;
        var (x, t) = (randn(2, 3, 8, 8, ScalarType.Float64), rand(2, ScalarType.Float64));
        var plain = model.Forward(x, t, Conditioning.None);
        var (output, _) = model.ForwardWithTangent(x, t, Conditioning.None, new NetworkTangent(randn(2, 3, 8, 8, ScalarType.Float64), ones(2, ScalarType.Float64)));
        Assert.Equal(2, output.Features.Count);
        for (int i = 0; i < plain.Features.Count; i++) TensorAssert.Close(plain.Features[i], output.Features[i], 1e-14);
    }
}
