using Research.Framework.Training;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Research.Framework.Data;

namespace Research.Framework.Encoders;

/// <summary>
/// Trained encoders cached in the runs folder, so REPA runs offline and trains its encoder once:
/// <c>&lt;runs&gt;/.cache/encoders/&lt;data&gt;-conv-&lt;key&gt;.bin</c> with its SHA-256 in <c>….bin.sha256</c>, where the key
/// is a hash of the data name and both option records. A file whose hash does not match (corrupt, truncated,
/// replaced) or that cannot be read is retrained and overwritten, with a message through <c>log</c>.
/// </summary>
public static class EncoderCache
{
    /// <summary>The suffix of the SHA-256 sidecar next to a weights file.</summary>
    public const string HashSuffix = HashSidecar.Suffix;

    /// <summary>Changes whenever <see cref="ConvFeatureEncoder"/>'s layers change, so old cached weights are not reused.</summary>
    const string ArchitectureVersion = "conv-v2-pool2x2";

    /// <summary>Where the encoder for these settings lives under <paramref name="runsFolder"/>.</summary>
    public static string PathFor(string runsFolder, string dataName, ConvEncoderOptions options, ClassifierTrainingOptions training)
    {
        var config = $"{ArchitectureVersion}\n{dataName}\n{JsonSerializer.Serialize(options)}\n{JsonSerializer.Serialize(training)}";
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(config)))[..16];
        return Path.Combine(runsFolder, ".cache", "encoders", $"{dataName}-conv-{key}.bin");
    }

    /// <summary>
    /// The cached encoder for these settings, or a new one trained on <paramref name="data"/> (called only then) and
    /// cached. <paramref name="onStep"/> sees each training step, so callers can tell a cache hit from training.
    /// </summary>
    public static ConvFeatureEncoder LoadOrTrain(string runsFolder, string dataName, Func<IIndexedDataset> data,
        ConvEncoderOptions options, ClassifierTrainingOptions training, Action<string>? log = null, Action<int, double>? onStep = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        log ??= Console.Error.WriteLine;
        var path = PathFor(runsFolder, dataName, options, training);
        if (File.Exists(path) && HashSidecar.Recorded(path) is not null)
        {
            try
            {
                var cached = ConvFeatureEncoder.Load(path);
                log($"encoder: loaded {path}");
                return cached;
            }
            catch (InvalidDataException error)
            {
                log($"encoder: cached file unusable ({error.Message}); retraining.");
            }
        }
        var source = data();
        try
        {
            var encoder = ConvFeatureEncoder.Train(source, options, training, onStep);
            HashSidecar.Write(path, encoder.Save(path));
            log($"encoder: trained {training.Steps} steps, cached in {path}");
            return encoder;
        }
        finally
        {
            (source as IDisposable)?.Dispose();
        }
    }

    /// <summary>The offline default: the Fashion-MNIST training split padded to 32×32 (8×8 = 64 tokens).</summary>
    public static ConvFeatureEncoder FashionMnist(string runsFolder, ConvEncoderOptions? options = null, ClassifierTrainingOptions? training = null,
        FashionMnistOptions? data = null, Action<string>? log = null, Action<int, double>? onStep = null) =>
        LoadOrTrain(runsFolder, "fashion-mnist", () => Data.FashionMnist.Load((data ?? new FashionMnistOptions()) with { Train = true, PadTo32 = true }),
            options ?? new ConvEncoderOptions(), training ?? new ClassifierTrainingOptions(), log, onStep);
}
