using Research.Framework.Encoders;
using Research.Framework.Encoders.Dinov2;
using Research.Framework.Experiments;
using Research.Framework.Tests.Parity;
using Research.Framework.Training;
using TorchSharp.PyBridge;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Encoders.Dinov2;

/// <summary>A weights file that does not fit is refused with the parameter's name; REPA's settings choose the encoder and name their own mistakes.</summary>
public sealed class Dinov2WeightsTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("dinov2-weights-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    static string Golden => Path.Combine(PythonReference.Goldens("dinov2.py"), "mlp");

    /// <summary>The fixture's weights and config.json, edited by <paramref name="edit"/>, in a folder of the test's.</summary>
    string Edited(Action<Dictionary<string, Tensor>> edit)
    {
        var weights = Safetensors.LoadStateDict(Path.Combine(Golden, "model.safetensors"));
        edit(weights);
        var path = Path.Combine(folder, "model.safetensors");
        Safetensors.SaveStateDict(path, weights);
        File.Copy(Path.Combine(Golden, "config.json"), Path.Combine(folder, "config.json"), overwrite: true);
        return path;
    }

    [Fact]
    public void AMissingParameterIsNamed()
    {
        using var scope = NewDisposeScope();
        var path = Edited(w => w.Remove("encoder.layer.1.mlp.fc2.bias"));
        var error = Assert.Throws<InvalidDataException>(() => Dinov2Vit.Load(path));
        Assert.Contains("missing parameter 'encoder.layer.1.mlp.fc2.bias' [128]", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void AMisShapedParameterIsNamedWithBothShapes()
    {
        using var scope = NewDisposeScope();
        var path = Edited(w => w["layernorm.weight"] = ones(127));
        var error = Assert.Throws<InvalidDataException>(() => Dinov2Vit.Load(path));
        Assert.Contains("parameter 'layernorm.weight' has shape [127], expected [128]", error.Message);
    }

    [Fact]
    public void AParameterTheNetworkDoesNotHaveIsNamed()
    {
        using var scope = NewDisposeScope();
        // A third layer's norm in a file whose config.json says two layers.
        var path = Edited(w => w["encoder.layer.2.norm1.weight"] = ones(128));
        var error = Assert.Throws<InvalidDataException>(() => Dinov2Vit.Load(path));
        Assert.Contains("unexpected parameter 'encoder.layer.2.norm1.weight'", error.Message);
    }

    [Fact]
    public void TheMaskTokenOfPretrainingMayBeAbsent()
    {
        using var scope = NewDisposeScope();
        var path = Edited(w => w.Remove(Dinov2Names.MaskToken));
        Assert.Equal(2, Dinov2Vit.Load(path).Config.NumLayers);
    }

    [Fact]
    public void AMissingFileSaysWhatToGive()
    {
        var error = Assert.Throws<FileNotFoundException>(() => Dinov2Vit.Load(Path.Combine(folder, "absent.safetensors")));
        Assert.Contains("Dinov2Model model.safetensors", error.Message);
    }

    [Fact]
    public void TheSourceStaysTheDefaultAndDinov2NeedsItsWeights()
    {
        var source = new CountingSource();
        Assert.Same(CountingSource.Instance, RepaEncoders.Create(source, new RepaSettings()));

        var noWeights = Assert.Throws<InvalidSettingException>(() => RepaEncoders.Create(source, new RepaSettings { Encoder = RepaEncoder.Dinov2 }));
        Assert.Contains("--Repa.EncoderWeights", noWeights.Message);
        var absent = Assert.Throws<InvalidSettingException>(() => RepaEncoders.Create(source,
            new RepaSettings { Encoder = RepaEncoder.Dinov2, EncoderWeights = Path.Combine(folder, "absent.safetensors") }));
        Assert.StartsWith("--Repa.EncoderWeights: No DINOv2 weights at", absent.Message);
        var unused = Assert.Throws<InvalidSettingException>(() => RepaEncoders.Create(source, new RepaSettings { EncoderWeights = "model.safetensors" }));
        Assert.Contains("--Repa.Encoder dinov2", unused.Message);
        var resolution = Assert.Throws<InvalidSettingException>(() => RepaEncoders.Create(source,
            new RepaSettings { Encoder = RepaEncoder.Dinov2, EncoderWeights = Path.Combine(Golden, "model.safetensors"), EncoderResolution = 30 }));
        Assert.StartsWith("--Repa.EncoderResolution:", resolution.Message);
        Assert.Equal(1, source.Calls);
    }

    [Fact]
    public void Dinov2FromTheSettingsEncodesAtTheirResolution()
    {
        using var scope = NewDisposeScope();
        var encoder = RepaEncoders.Create(new CountingSource(),
            new RepaSettings { Encoder = RepaEncoder.Dinov2, EncoderWeights = Path.Combine(Golden, "model.safetensors"), EncoderResolution = 32 });
        // Grey images are repeated to RGB: the tokens equal those of the RGB image with three equal channels.
        var grey = rand(2, 1, 12, 12) * 2 - 1;
        var tokens = encoder.Encode(grey);
        Assert.Equal(new long[] { 2, 64, 128 }, tokens.shape);
        Assert.Equal(0, (encoder.Encode(grey.expand(-1, 3, -1, -1)) - tokens).abs().max().item<float>());
    }

    sealed class CountingSource : IFeatureEncoderSource
    {
        public static readonly Research.Framework.Interfaces.IFeatureEncoder Instance = new Fixed();
        public int Calls { get; private set; }

        public Research.Framework.Interfaces.IFeatureEncoder Encoder(string cacheRoot, int trainingSteps)
        {
            Calls++;
            return Instance;
        }
    }

    sealed class Fixed : Research.Framework.Interfaces.IFeatureEncoder
    {
        public int FeatureDim => 1;
        public Tensor Encode(Tensor x) => zeros(x.shape[0], 1, 1);
    }
}
