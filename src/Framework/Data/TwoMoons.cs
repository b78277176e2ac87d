using static TorchSharp.torch;

namespace Research.Framework.Data;

/// <summary>
/// Two interleaved half circles (sklearn's make_moons with uniform angles): with θ ~ U(0, π), moon 0 is
/// (cos θ, sin θ) and moon 1 is (1 − cos θ, 1/2 − sin θ), each with probability 1/2, plus N(0, σ²I) noise. The
/// raw mixture has mean (1/2, 1/4) and variances 3/4 + σ² and 9/16 − 1/π + σ²; each coordinate is standardised
/// with these exact values. Label: the moon (2 classes).
/// </summary>
public sealed class TwoMoons : Toy2D
{
    /// <summary>Moons with noise standard deviation <paramref name="noise"/> before standardising (default 0.1).</summary>
    public TwoMoons(double noise = 0.1)
    {
        if (noise < 0) throw new ArgumentOutOfRangeException(nameof(noise), noise, "must be non-negative");
        Noise = noise;
    }

    /// <summary>σ, in raw (unstandardised) units.</summary>
    public double Noise { get; }

    /// <summary>The raw mean (x, y).</summary>
    public static (double X, double Y) RawMean => (0.5, 0.25);

    /// <summary>The raw standard deviations (x, y).</summary>
    public (double X, double Y) RawStd => (Math.Sqrt(0.75 + Noise * Noise), Math.Sqrt(0.5625 - 1 / Math.PI + Noise * Noise));

    /// <inheritdoc />
    public override int? NumClasses => 2;

    /// <inheritdoc />
    protected override (Tensor X, Tensor Labels) Draw(long count, Generator generator)
    {
        var moon = Integers(count, 2, generator);
        var theta = Uniform(count, generator) * Math.PI;
        var second = moon.to_type(ScalarType.Float64);
        var sign = 1 - 2 * second;                       // +1 for moon 0, −1 for moon 1
        var x = second + sign * cos(theta);
        var y = second * 0.5 + sign * sin(theta);
        var raw = stack([x, y], 1) + Normal(count, 2, generator) * Noise;
        var (mx, my) = RawMean;
        var (sx, sy) = RawStd;
        return ((raw - tensor(new[] { mx, my })) / tensor(new[] { sx, sy }), moon);
    }
}
