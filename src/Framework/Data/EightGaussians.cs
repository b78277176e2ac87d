using static TorchSharp.torch;

namespace Research.Framework.Data;

/// <summary>
/// An equal mixture of 8 isotropic Gaussians N(μ_k, σ²I) with μ_k = r·(cos(kπ/4), sin(kπ/4)), k = 0…7, and
/// r = √(2(1 − σ²)), so that each coordinate has variance r²/2 + σ² = 1. Label: k (8 classes).
/// </summary>
public sealed class EightGaussians : Toy2D
{
    /// <summary>A mixture with component standard deviation <paramref name="std"/> (default 0.2; must be below 1).</summary>
    public EightGaussians(double std = 0.2)
    {
        if (std is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(std), std, "must lie in (0, 1)");
        Std = std;
        Radius = Math.Sqrt(2 * (1 - std * std));
    }

    /// <summary>σ, the component standard deviation.</summary>
    public double Std { get; }

    /// <summary>r, the distance of the means from the origin.</summary>
    public double Radius { get; }

    /// <inheritdoc />
    public override int? NumClasses => 8;

    /// <inheritdoc />
    protected override (Tensor X, Tensor Labels) Draw(long count, Generator generator)
    {
        var k = Integers(count, 8, generator);
        var angle = k.to_type(ScalarType.Float64) * (Math.PI / 4);
        var means = stack([cos(angle), sin(angle)], 1) * Radius;
        return (means + Normal(count, 2, generator) * Std, k);
    }
}
