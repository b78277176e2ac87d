using Research.Framework.Encoders.Dinov2;
using Research.Framework.Tests.Parity;
using Research.Framework.Tests.TestSupport;
using TorchSharp.PyBridge;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Encoders.Dinov2;

/// <summary>
/// The DINOv2 ViT against an independent PyTorch implementation of Hugging Face's Dinov2Model (Parity/python/dinov2.py:
/// tiny networks, hidden 128, 2 layers, 2 heads of 64, patch 4, a 4×4 position table, seeded random weights under the
/// published names): the last hidden state agrees to <see cref="Tolerance"/> in float32.
/// </summary>
public sealed class Dinov2ParityTests : IDisposable
{
    /// <summary>Absolute tolerance on outputs of magnitude ~1 in float32 (measured worst differences: 1.7e-6 to 2.1e-6 for the hidden states, 4.8e-6 for REPA's tokens, which add a bicubic image resize).</summary>
    const double Tolerance = 1e-5;
    const string Fixture = "dinov2.py";

    readonly string folder = Directory.CreateTempSubdirectory("dinov2-parity-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    static string Weights(string variant) => Path.Combine(PythonReference.Goldens(Fixture), variant, "model.safetensors");

    static Tensor Golden(string name) => PythonReference.Load(Fixture, name);

    [Fact]
    public void LastHiddenStateMatchesTransformersWithPositionsInterpolatedToTheInputsGrid()
    {
        using var scope = NewDisposeScope();
        var vit = Dinov2Vit.Load(Weights("mlp"));
        // 24×24 pixels: a 6×6 grid against the table's 4×4, so the positions go through the bicubic interpolation.
        TensorAssert.Close(Golden("hidden"), vit.forward(Golden("pixels")), Tolerance);
    }

    [Fact]
    public void OnTheTablesOwnGridThePositionsAreUsedAsTheyAre()
    {
        using var scope = NewDisposeScope();
        var vit = Dinov2Vit.Load(Weights("mlp"));
        TensorAssert.Close(Golden("hidden_native"), vit.forward(Golden("pixels_native")), Tolerance);
    }

    [Fact]
    public void AWideInputGetsItsOwnRowsAndColumnsOfPositions()
    {
        using var scope = NewDisposeScope();
        var vit = Dinov2Vit.Load(Weights("mlp"));
        // 22×30 pixels: a 5×7 grid (the 2-pixel remainders cut off by the patch convolution, as in PyTorch).
        var hidden = vit.forward(Golden("pixels_wide"));
        Assert.Equal(new long[] { 2, 1 + 5 * 7, 128 }, hidden.shape);
        TensorAssert.Close(Golden("hidden_wide"), hidden, Tolerance);
    }

    [Fact]
    public void TheOriginalRepositorysInterpolationWithItsOffsetMatchesToo()
    {
        using var scope = NewDisposeScope();
        var vit = Dinov2Vit.Load(Weights("mlp"));
        vit.InterpolateOffset = 0.1;
        var offset = vit.forward(Golden("pixels"));
        TensorAssert.Close(Golden("hidden_offset"), offset, Tolerance);
        // The two interpolations differ, so each comparison can tell them apart.
        Assert.True((offset - Golden("hidden")).abs().max().item<float>() > 100 * Tolerance);
    }

    [Fact]
    public void TheSwiGluFeedForwardOfTheGiantModelMatches()
    {
        using var scope = NewDisposeScope();
        var vit = Dinov2Vit.Load(Weights("swiglu"));
        Assert.True(vit.Config.UseSwiGlu);
        TensorAssert.Close(Golden("swiglu_hidden"), vit.forward(Golden("pixels")), Tolerance);
    }

    [Fact]
    public void TheEncoderGivesRepasPatchTokensOfRawImages()
    {
        using var scope = NewDisposeScope();
        // Images in [−1, 1] at 20×20 → [0, 1] → ImageNet mean/std → bicubic to 28×28 → 7×7 patch tokens.
        var encoder = Dinov2Encoder.Load(Weights("mlp"), resolution: 28);
        var tokens = encoder.Encode(Golden("raw"));
        Assert.Equal(new long[] { 2, 49, 128 }, tokens.shape);
        Assert.Equal(128, encoder.FeatureDim);
        TensorAssert.Close(Golden("repa_tokens"), tokens, Tolerance);
    }

    [Fact]
    public void WithoutConfigJsonTheShapeIsInferredFromTheTensors()
    {
        using var scope = NewDisposeScope();
        var alone = Path.Combine(folder, "model.safetensors");
        File.Copy(Weights("mlp"), alone);

        var inferred = Dinov2Vit.Load(alone);

        Assert.Equal(Dinov2Config.FromJson(Path.Combine(Path.GetDirectoryName(Weights("mlp"))!, "config.json")), inferred.Config);
        TensorAssert.Close(Golden("hidden"), inferred.forward(Golden("pixels")), Tolerance);
    }

    [Fact]
    public void TheNetworksParametersAreThePublishedNames()
    {
        using var scope = NewDisposeScope();
        var file = Safetensors.LoadStateDict(Weights("mlp"));
        var vit = Dinov2Vit.Load(Weights("mlp"));
        Assert.Equal(file.Keys.Except(Dinov2Names.Unused).Order(), vit.state_dict().Keys.Order());
        Assert.Contains("encoder.layer.1.attention.attention.query.weight", vit.state_dict().Keys);
        Assert.Contains("encoder.layer.0.layer_scale2.lambda1", vit.state_dict().Keys);
    }
}
