using System.Text.Json;
using Research.Framework.Interfaces;
using Research.Framework.Networks;
using Research.Framework.Networks.StateDicts;
using Research.Framework.Tests.Parity;
using Research.Framework.Tests.TestSupport;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Networks.StateDicts;

/// <summary>Our networks as .safetensors with their config: exact round trips, the config checked on loading, the format's bytes.</summary>
public sealed class NetworkWeightsTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("network-weights-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    static Tensor Run(IDiffusionNetwork network, Tensor x, Tensor t, Conditioning cond)
    {
        ((nn.Module)network).eval();
        using var noGradient = no_grad();
        return network.Forward(x, t, cond).Output;
    }

    [Fact]
    public void DiTRoundTripsExactlyWithItsConfigInTheMetadata()
    {
        using var scope = NewDisposeScope();
        var options = NetworkFactory.Tiny with { TakeDt = true, LogVarianceHead = true, InitFrom = "/somewhere/else.pt" };
        using var saved = new DiT(options);
        NetworkFactory.Randomize(saved, seed: 1, std: 0.2);
        var path = Path.Combine(folder, "weights.safetensors");
        NetworkWeights.Save(saved, path);

        using var file = StateDict.Read(path);
        Assert.Equal("DiT", file.Metadata[NetworkWeights.NetworkKey]);
        Assert.Equal("pt", file.Metadata["format"]);
        var config = JsonDocument.Parse(file.Metadata[NetworkWeights.ConfigKey]).RootElement;
        Assert.Equal(options.HiddenSize, config.GetProperty("HiddenSize").GetInt32());
        Assert.True(config.GetProperty("TakeDt").GetBoolean());
        Assert.False(config.TryGetProperty("InitFrom", out _));   // a machine path has no place in a weights file

        using var loaded = new DiT(options with { Seed = 99, InitFrom = path });   // another seed: other initial weights
        Assert.Equal(file.Origin, InitialWeights.Apply(loaded));
        var x = randn(2, 3, 8, 8);
        var t = tensor(new[] { 0.3f, 0.8f });
        var cond = new Conditioning(tensor(new long[] { 1, 5 }), tensor(new[] { 0.1f, 0.2f }));
        TensorAssert.Close(Run(saved, x, t, cond), Run(loaded, x, t, cond), 0);
        TensorAssert.Close(saved.LogVariance(t), loaded.LogVariance(t), 0);
    }

    [Fact]
    public void ToyMlpRoundTripsExactly()
    {
        using var scope = NewDisposeScope();
        var options = new ToyMlpOptions { Hidden = 32, Depth = 2, NumClasses = 3 };
        using var saved = new ToyMlp(options);
        NetworkFactory.Randomize(saved, seed: 2);
        var path = Path.Combine(folder, "toy.safetensors");
        NetworkWeights.Save(saved, path);
        using var loaded = new ToyMlp(options with { Seed = 7, InitFrom = path });
        InitialWeights.Apply(loaded);
        var x = randn(5, 2);
        var t = rand(5);
        var cond = new Conditioning(tensor(new long[] { 0, 1, 2, 3, 1 }));
        TensorAssert.Close(Run(saved, x, t, cond), Run(loaded, x, t, cond), 0);
    }

    [Fact]
    public void AnotherConfigOrNetworkIsRefusedNamingTheDifferences()
    {
        using var scope = NewDisposeScope();
        var path = Path.Combine(folder, "weights.safetensors");
        using (var saved = new DiT(NetworkFactory.Tiny)) NetworkWeights.Save(saved, path);

        using var wider = new DiT(NetworkFactory.Tiny with { HiddenSize = 64, NumHeads = 8, Seed = 5, ClassDropoutProb = 0 });
        using var file = StateDict.Read(path);
        var error = Assert.Throws<ArgumentException>(() => NetworkWeights.Load(wider, file));
        Assert.Contains("HiddenSize: file 32, this one 64", error.Message);
        Assert.Contains("NumHeads: file 4, this one 8", error.Message);
        Assert.DoesNotContain("Seed", error.Message);               // the seed and the drop rate do not change the function
        Assert.DoesNotContain("ClassDropoutProb", error.Message);

        using var toy = new ToyMlp(new ToyMlpOptions());
        Assert.Contains("network: file DiT, this one ToyMlp", Assert.Throws<ArgumentException>(() => NetworkWeights.Load(toy, file)).Message);
    }

    [Fact]
    public void AToyMlpStartsOnlyFromOurOwnFiles()
    {
        using var scope = NewDisposeScope();
        using var toy = new ToyMlp(new ToyMlpOptions { InitFrom = Path.Combine(PythonReference.Goldens("selfcheck.py"), "weights.safetensors") });
        var error = Assert.Throws<ArgumentException>(() => InitialWeights.Apply(toy));
        Assert.Contains("not saved by this framework", error.Message);
        using var missing = new ToyMlp(new ToyMlpOptions { InitFrom = Path.Combine(folder, "absent.safetensors") });
        Assert.Contains("Network.InitFrom: No weights file", Assert.Throws<ArgumentException>(() => InitialWeights.Apply(missing)).Message);
    }

    [Fact]
    public void SafetensorsWrittenByThePythonSpecificationReadWithMetadata()
    {
        using var scope = NewDisposeScope();
        var (tensors, metadata) = SafetensorsFile.Read(Path.Combine(PythonReference.Goldens("selfcheck.py"), "weights.safetensors"));
        Assert.Equal("{\"width\": 4}", metadata["config"]);
        TensorAssert.Close(PythonReference.Load("selfcheck.py", "grid"), tensors["layer.weight"], 0);
    }

    [Fact]
    public void TheHeaderIsPaddedToEightBytesAndTheOffsetsAreContiguous()
    {
        using var scope = NewDisposeScope();
        var path = Path.Combine(folder, "two.safetensors");
        SafetensorsFile.Write(path, [("a", arange(3, dtype: ScalarType.Float32)), ("b", ones(2, 2, dtype: ScalarType.Float64))], new Dictionary<string, string> { ["k"] = "v" });
        var bytes = File.ReadAllBytes(path);
        long headerLength = BitConverter.ToInt64(bytes, 0);
        Assert.Equal(0, headerLength % 8);
        Assert.Equal(8 + headerLength + 3 * 4 + 4 * 8, bytes.Length);
        var header = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength)).RootElement;
        Assert.Equal("[0,12]", header.GetProperty("a").GetProperty("data_offsets").GetRawText());
        Assert.Equal("[12,44]", header.GetProperty("b").GetProperty("data_offsets").GetRawText());
        Assert.Equal("F64", header.GetProperty("b").GetProperty("dtype").GetString());
        Assert.Equal(1.0f, BitConverter.ToSingle(bytes, 8 + (int)headerLength + 4));   // a[1], little-endian
    }

    [Fact]
    public void AFileThatIsNoStateDictIsRefusedNamingIt()
    {
        var text = Path.Combine(folder, "notes.pt");
        File.WriteAllText(text, "not a pickle");
        Assert.Contains("is not a readable PyTorch state dict", Assert.Throws<InvalidDataException>(() => StateDict.Read(text)).Message);
        var truncated = Path.Combine(folder, "short.safetensors");
        File.WriteAllBytes(truncated, [16, 0, 0, 0, 0, 0, 0, 0, (byte)'{']);
        Assert.Contains("header length 16 exceeds the file", Assert.Throws<InvalidDataException>(() => StateDict.Read(truncated)).Message);
    }
}
