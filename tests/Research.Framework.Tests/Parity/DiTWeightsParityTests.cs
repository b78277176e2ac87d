using Research.Framework.Interfaces;
using Research.Framework.Networks;
using Research.Framework.Networks.StateDicts;
using Research.Framework.Tests.TestSupport;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Parity;

/// <summary>
/// Our DiT against the official DiT of <c>Parity/python/dit.py</c> (facebookresearch/DiT's models.py in plain PyTorch,
/// a tiny size with seeded random weights in every tensor): the official state dicts saved by <c>torch.save</c> load
/// through the name mapping and reproduce PyTorch's outputs, and our DiT saved as safetensors loads into the official
/// model and reproduces ours. Tolerance in float32: 1e-5 absolute plus 1e-5 relative (outputs up to ~4.5). The inputs
/// include DiT's step index t = 999, where float32 itself is the limit: PyTorch's own float32 output there is 1.3e-5 from
/// its float64 output (the sin/cos arguments near 1000 carry ~6e-5 of rounding); at t = 0.25 and 37 both sides agree
/// to 1.3e-6.
/// </summary>
public class DiTWeightsParityTests
{
    const string Script = "dit.py";
    const double Tolerance = 1e-5;
    static readonly DiTOptions Expected = new()
    {
        InputSize = 8, PatchSize = 2, InChannels = 4, HiddenSize = 64, Depth = 2, NumHeads = 4, NumClasses = 10,
    };

    static string Golden(string file) => Path.Combine(PythonReference.Goldens(Script), file);

    static (Tensor X, Tensor T, Tensor Y) Inputs() =>
        (PythonReference.Load(Script, "x"), PythonReference.Load(Script, "t"), PythonReference.Load(Script, "y").to_type(ScalarType.Int64));

    static Tensor Output(DiT network)
    {
        var (x, t, y) = Inputs();
        network.eval();
        using var noGradient = no_grad();
        return network.Forward(x, t, new Conditioning(y)).Output;
    }

    [Theory]
    [InlineData("dit_bare.pt")]        // the released files: the EMA state dict alone
    [InlineData("dit_checkpoint.pt")]  // train.py's {"model", "ema", "opt", "args"}: the EMA entry is taken
    [InlineData("dit_unfused.pt")]     // q, k, v as three Linears: concatenated into our fused qkv
    public void OfficialStateDictReproducesThePyTorchOutput(string file)
    {
        using var scope = NewDisposeScope();
        using var network = OfficialDiTWeights.Load(Golden(file), numHeads: 4);
        Assert.Equal(Expected, network.Options);   // every shape inferred from the file (learn_sigma's 2C channels, 10 classes + null row)
        TensorAssert.Close(PythonReference.Load(Script, "out"), Output(network), Tolerance, Tolerance);
    }

    [Fact]
    public void OurSinCosPositionsAreTheOfficialOnes()
    {
        using var scope = NewDisposeScope();
        using var network = new DiT(Expected);
        TensorAssert.Close(PythonReference.Load(Script, "pos_embed"), network.state_dict()["pos_embed"], 1e-6);
    }

    [Fact]
    public void InitFromLoadsTheOfficialFileIntoTheExperimentsNetwork()
    {
        using var scope = NewDisposeScope();
        using var network = new DiT(Expected with { InitFrom = Golden("dit_checkpoint.pt") });
        Assert.Contains("\"ema\" entry", InitialWeights.Apply(network));
        TensorAssert.Close(PythonReference.Load(Script, "out"), Output(network), Tolerance, Tolerance);
    }

    [Fact]
    public void AFileOfAnotherShapeIsRefusedNamingEverySetting()
    {
        using var scope = NewDisposeScope();
        using var network = new DiT(Expected with { HiddenSize = 32, Depth = 3, InitFrom = Golden("dit_bare.pt") });
        var error = Assert.Throws<ArgumentException>(() => InitialWeights.Apply(network));
        Assert.Contains("HiddenSize: file 64, experiment 32", error.Message);
        Assert.Contains("Depth: file 2, experiment 3", error.Message);
    }

    [Fact]
    public void MissingAndUnexpectedTensorsAreNamedInTheOfficialNaming()
    {
        using var scope = NewDisposeScope();
        using var file = StateDict.Read(Golden("dit_bare.pt"));
        var tensors = file.Tensors.Where(kv => kv.Key is not ("blocks.1.mlp.fc2.bias" or "x_embedder.proj.bias"))
            .Append(KeyValuePair.Create("blocks.0.norm1.weight", ones(64)))
            .ToDictionary();
        using var network = new DiT(Expected);
        var error = Assert.Throws<ArgumentException>(() => OfficialDiTWeights.LoadInto(network, file with { Tensors = tensors }));
        Assert.Contains("missing blocks.1.mlp.fc2.bias [64]", error.Message);
        Assert.Contains("missing x_embedder.proj.bias [64]", error.Message);
        Assert.Contains("unexpected blocks.0.norm1.weight [64]", error.Message);
    }

    [Fact]
    public void OurSafetensorsLoadIntoTheOfficialDiTAndReproduceOurOutput()
    {
        using var scope = NewDisposeScope();
        using var network = new DiT(Expected with { Seed = 3 });
        NetworkFactory.Randomize(network, seed: 4);   // adaLN-Zero would make both outputs exactly 0
        var folder = Directory.CreateTempSubdirectory("dit-safetensors-").FullName;
        try
        {
            var weights = Path.Combine(folder, "weights.safetensors");
            NetworkWeights.Save(network, weights);
            PythonReference.Run(Script, "check", weights, PythonReference.Goldens(Script), folder);
            var (shape, values) = Research.Framework.Data.NpyFile.ReadFloat32(Path.Combine(folder, "out.npy"));
            var reference = tensor(values).reshape(shape);
            Assert.True(Output(network).abs().max().item<float>() > 0.1f, "the randomised DiT should give a non-trivial output");
            TensorAssert.Close(reference, Output(network), Tolerance, Tolerance);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void TheTimeMapRunsOfficialSiTWeightsUnderOurConvention()
    {
        // Official SiT: t = 1 data, velocity toward the data. Ours: t = 0 data, velocity toward the noise. With the map,
        // ours(x, t) = −official(x, 1 − t) for the same weights, and the forward-mode tangent follows the chain rule.
        using var scope = NewDisposeScope();
        using var official = OfficialDiTWeights.Load(Golden("dit_bare.pt"), numHeads: 4);
        using var mapped = new DiT(official.Options with { TimeScale = -1, TimeShift = 1, OutputScale = -1, InitFrom = Golden("dit_bare.pt") });
        InitialWeights.Apply(mapped);
        var (x, _, y) = Inputs();
        var t = tensor(new[] { 0.1f, 0.5f, 0.8f });
        using (no_grad())
            TensorAssert.Close(-official.Forward(x, 1 - t, new Conditioning(y)).Output, mapped.Forward(x, t, new Conditioning(y)).Output, 1e-6);

        var dx = randn_like(x);
        var dt = tensor(new[] { 1f, -0.5f, 2f });
        var (_, tangent) = mapped.ForwardWithTangent(x, t, new Conditioning(y), new NetworkTangent(dx, dt));
        using (no_grad())
        {
            const float h = 1e-2f;   // central differences of −official(x + h·dx, 1 − (t + h·dt))
            var plus = official.Forward(x + h * dx, 1 - (t + h * dt), new Conditioning(y)).Output;
            var minus = official.Forward(x - h * dx, 1 - (t - h * dt), new Conditioning(y)).Output;
            TensorAssert.Close(-(plus - minus) / (2 * h), tangent, 2e-3);
        }
    }
}
