using Research.Framework.Interfaces;
using Research.Framework.Networks;
using Research.Framework.Networks.Lightning;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Parity;

/// <summary>
/// Our LightningDiT against an independent PyTorch one (Parity/python/lightningdit.py, written from the paper's reference
/// code): the reference's state dicts, with seeded random weights (adaLN-Zero would make every output 0), load through
/// <see cref="LightningDiTWeights"/> and give the same outputs. Tolerance, float32 on both sides: 1e-5 absolute plus 1e-5
/// relative (measured worst errors are a few 1e-6 on outputs up to ~30; a transposed pair in RoPE or a wrong chunk
/// order gives errors of order 1).
/// </summary>
public class LightningDiTParityTests
{
    const string Script = "lightningdit.py";
    const double Tolerance = 1e-5;

    static Dictionary<string, Tensor> Weights(string file) => Safetensors.LoadStateDict(Path.Combine(PythonReference.Goldens(Script), file));

    [Fact]
    public void RotaryTablesMatchTheReferenceBuffers()
    {
        using var scope = NewDisposeScope();
        var (cos, sin) = VisionRope.Tables(headDim: 8, gridSize: 4);
        TensorAssert.Close(PythonReference.Load(Script, "block_rope_cos"), cos, 1e-6);
        TensorAssert.Close(PythonReference.Load(Script, "block_rope_sin"), sin, 1e-6);
    }

    [Fact]
    public void BlockWithQkNormAndWithoutShiftMatchesTheReference()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(1);
        using var block = new LightningDiTBlock(32, 4, new LightningDiTOptions { HiddenSize = 32 }.FfnHidden, qkNorm: true, adaLnShift: false, generator);
        LightningDiTWeights.LoadReference(block, Weights("block.safetensors"));
        using var rope = new VisionRope(8, 4);
        var output = block.Forward(PythonReference.Load(Script, "block_x"), PythonReference.Load(Script, "block_c"), rope);
        TensorAssert.Close(PythonReference.Load(Script, "block_out"), output, Tolerance, Tolerance);
    }

    static LightningDiTOptions TinyPublished => new()
    {
        InputSize = 8, PatchSize = 2, InChannels = 3, HiddenSize = 32, Depth = 2, NumHeads = 4,
        FrequencyEmbedSize = 16, NumClasses = 5, ClassDropoutProb = 0.1, QkNorm = false, AdaLnShift = true,
    };

    [Fact]
    public void ModelInThePublishedConfigurationMatchesTheReferenceWithItsBlockFeatures()
    {
        using var scope = NewDisposeScope();
        using var model = new LightningDiT(TinyPublished);
        var reference = Weights("model.safetensors");
        // Our own fixed tables equal the reference's buffers before the load overwrites them.
        var ours = model.state_dict();
        foreach (var buffer in new[] { "pos_embed", "feat_rope.freqs_cos", "feat_rope.freqs_sin" })
            TensorAssert.Close(reference[buffer], ours[buffer], 1e-6);

        LightningDiTWeights.LoadReference(model, reference);
        model.eval();
        model.ReturnFeatures = true;
        var labels = PythonReference.Load(Script, "model_y").to_type(ScalarType.Int64);
        var output = model.Forward(PythonReference.Load(Script, "model_x"), PythonReference.Load(Script, "model_t"), new Conditioning(Labels: labels));
        TensorAssert.Close(PythonReference.Load(Script, "model_out"), output.Output, Tolerance, Tolerance);
        Assert.Equal(2, output.Features.Count);
        TensorAssert.Close(PythonReference.Load(Script, "model_feature0"), output.Features[0], Tolerance, Tolerance);
        TensorAssert.Close(PythonReference.Load(Script, "model_feature1"), output.Features[1], Tolerance, Tolerance);
    }

    [Fact]
    public void AStateDictThatDoesNotFitIsRefusedByName()
    {
        using var scope = NewDisposeScope();
        var reference = Weights("model.safetensors");

        using var withDt = new LightningDiT(TinyPublished with { TakeDt = true });
        var missing = Assert.Throws<ArgumentException>(() => LightningDiTWeights.LoadReference(withDt, reference));
        Assert.Contains("missing names [dt_embedder.mlp.0.weight", missing.Message, StringComparison.Ordinal);

        using var withQkNorm = new LightningDiT(TinyPublished with { QkNorm = true });
        var extra = new Dictionary<string, Tensor>(reference) { ["blocks.0.attn.extra"] = zeros(1) };
        var both = Assert.Throws<ArgumentException>(() => LightningDiTWeights.LoadReference(withQkNorm, extra));
        Assert.Contains("unexpected reference names [blocks.0.attn.extra]", both.Message, StringComparison.Ordinal);
        Assert.Contains("blocks.0.attn.q_norm.weight", both.Message, StringComparison.Ordinal);

        using var wider = new LightningDiT(TinyPublished with { MlpRatio = 2 });
        var shapes = Assert.Throws<ArgumentException>(() => LightningDiTWeights.LoadReference(wider, reference));
        Assert.Contains("blocks.0.mlp.w12.weight [170, 32] for blocks.0.mlp.w12.weight [84, 32]", shapes.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BaseWithPatchTwoHasTheReferencesParameterCount()
    {
        var counts = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, long>>(File.ReadAllText(Path.Combine(PythonReference.Goldens(Script), "counts.json")))!;
        Assert.Equal(counts["B/2"], LightningDiTOptions.Preset("B/2", 32, 4, 1000).ParameterCount());
    }
}
