using static TorchSharp.torch;

namespace Research.Framework.Data;

/// <summary>
/// The shared part of the procedural 2-D sets: shape [2], float64 draws on the CPU from a given generator only,
/// each coordinate scaled to mean 0 and variance exactly 1 (in closed form, stated by each set).
/// </summary>
public abstract class Toy2D : ISampledDataset
{
    /// <inheritdoc />
    public long[] SampleShape => [2];

    /// <inheritdoc />
    public abstract int? NumClasses { get; }

    /// <inheritdoc />
    public Batch Sample(long count, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "must be non-negative");
        using var scope = NewDisposeScope();
        var (x, labels) = Draw(count, generator);
        return new Batch(x.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }

    /// <summary>Draws (count, 2) float64 points and their int64 labels.</summary>
    protected abstract (Tensor X, Tensor Labels) Draw(long count, Generator generator);

    /// <summary>U[0, 1) draws (n) in float64.</summary>
    protected static Tensor Uniform(long n, Generator g) => rand([n], ScalarType.Float64, generator: g);

    /// <summary>N(0, 1) draws (n, k) in float64.</summary>
    protected static Tensor Normal(long n, long k, Generator g) => randn([n, k], ScalarType.Float64, generator: g);

    /// <summary>Uniform integers in [0, high) (n), int64.</summary>
    protected static Tensor Integers(long n, long high, Generator g) => randint(high, [n], ScalarType.Int64, generator: g);
}
