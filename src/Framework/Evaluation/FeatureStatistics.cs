using System.Security.Cryptography;
using static TorchSharp.torch;

namespace Research.Framework.Evaluation;

/// <summary>
/// The Gaussian summary of a feature set that the Fréchet distance needs: the mean (D) and the unbiased covariance
/// (D, D), both float64 on the CPU, and the number of features they came from. Reference statistics are saved once and
/// loaded by every evaluation, and their <see cref="Sha256"/> goes into the <see cref="EvaluationProtocol"/>, so two
/// FIDs computed against different references are never compared silently.
/// </summary>
public sealed class FeatureStatistics : IDisposable
{
    private const string Magic = "RFSTAT01";

    /// <summary>Keeps its own float64 CPU copies (or aliases) of the arguments; the caller still owns and disposes them.</summary>
    public FeatureStatistics(Tensor mean, Tensor covariance, long count)
    {
        if (mean.dim() != 1 || covariance.dim() != 2 || covariance.shape[0] != mean.shape[0] || covariance.shape[1] != mean.shape[0])
            throw new ArgumentException($"Statistics need a mean (D) and a covariance (D, D); got [{string.Join(", ", mean.shape)}] and [{string.Join(", ", covariance.shape)}].");
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        Mean = mean.detach().to_type(ScalarType.Float64).cpu().contiguous().DetachFromDisposeScope();
        Covariance = covariance.detach().to_type(ScalarType.Float64).cpu().contiguous().DetachFromDisposeScope();
        Count = count;
    }

    /// <summary>μ (D), float64.</summary>
    public Tensor Mean { get; }

    /// <summary>Σ (D, D) with the N − 1 denominator, float64.</summary>
    public Tensor Covariance { get; }

    /// <summary>The number of feature vectors summarised.</summary>
    public long Count { get; }

    /// <summary>The feature dimension D.</summary>
    public long Dimension => Mean.shape[0];

    /// <summary>The statistics of a whole feature matrix (N, D) at once; the reference for the streaming path.</summary>
    public static FeatureStatistics FromFeatures(Tensor features)
    {
        using var accumulator = new MomentAccumulator();
        accumulator.Add(features);
        return accumulator.ToStatistics();
    }

    /// <summary>Writes a small binary file: magic, N, D, then μ and Σ as little-endian float64.</summary>
    public void Save(string path)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        File.WriteAllBytes(path, ToBytes());
    }

    /// <summary>Reads a file written by <see cref="Save"/>; a wrong magic or length is an <see cref="InvalidDataException"/>.</summary>
    public static FeatureStatistics Load(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        string magic = new(reader.ReadChars(Magic.Length));
        if (magic != Magic) throw new InvalidDataException($"{path} is not a feature-statistics file (magic '{magic}', expected '{Magic}').");
        long count = reader.ReadInt64();
        long dim = reader.ReadInt64();
        if (dim < 1 || reader.BaseStream.Length != Magic.Length + 16 + 8 * (dim + dim * dim))
            throw new InvalidDataException($"{path}: length does not match dimension {dim}.");
        var values = new double[dim + dim * dim];
        for (long i = 0; i < values.Length; i++) values[i] = reader.ReadDouble();
        using var scope = NewDisposeScope();
        var all = tensor(values, ScalarType.Float64);
        return new FeatureStatistics(all[..(int)dim], all[(int)dim..].reshape(dim, dim), count);
    }

    /// <summary>SHA-256 (lower-case hex) of the saved form: the identity of a reference in an evaluation protocol.</summary>
    public string Sha256() => Convert.ToHexStringLower(SHA256.HashData(ToBytes()));

    private byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(Magic.ToCharArray());
            writer.Write(Count);
            writer.Write(Dimension);
            foreach (double v in Mean.data<double>()) writer.Write(v);
            foreach (double v in Covariance.data<double>()) writer.Write(v);
        }
        return stream.ToArray();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Mean.Dispose();
        Covariance.Dispose();
    }
}
