using static TorchSharp.torch;

namespace Research.Framework.Data;

/// <summary>How a <see cref="BatchLoader"/> serves batches.</summary>
public sealed record BatchLoaderOptions
{
    /// <summary>Samples per batch.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>The seed of the epoch permutations (indexed sets) or of the sampling generator (procedural sets).</summary>
    public long Seed { get; init; }

    /// <summary>The device of X and labels (CPU when null).</summary>
    public Device? Device { get; init; }

    /// <summary>The floating type of X.</summary>
    public ScalarType DType { get; init; } = ScalarType.Float32;
}
