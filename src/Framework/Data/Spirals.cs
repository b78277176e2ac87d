using static TorchSharp.torch;

namespace Research.Framework.Data;

/// <summary>
/// Two interleaved spirals (as in FFJORD's "2spirals", 540° each): with s = 3π·√U, U ~ U(0, 1), arm 0 is
/// (−s·cos s, s·sin s) and arm 1 its negation, each with probability 1/2, plus N(0, σ²I) noise. By symmetry the mean
/// is 0; E[s²cos²s] = (9π² + 3)/4 and E[s²sin²s] = (9π² − 3)/4, so x and y are divided by √((9π² ± 3)/4 + σ²)
/// to variance exactly 1. Label: the arm (2 classes).
/// </summary>
public sealed class Spirals : Toy2D
{
    /// <summary>Spirals with noise <paramref name="noise"/> in raw units (default 0.25; the arms are ~π apart).</summary>
    public Spirals(double noise = 0.25)
    {
        if (noise < 0) throw new ArgumentOutOfRangeException(nameof(noise), noise, "must be non-negative");
        Noise = noise;
    }

    /// <summary>σ, in raw units.</summary>
    public double Noise { get; }

    /// <summary>The raw standard deviations (x, y).</summary>
    public (double X, double Y) RawStd =>
        (Math.Sqrt((9 * Math.PI * Math.PI + 3) / 4 + Noise * Noise), Math.Sqrt((9 * Math.PI * Math.PI - 3) / 4 + Noise * Noise));

    /// <inheritdoc />
    public override int? NumClasses => 2;

    /// <inheritdoc />
    protected override (Tensor X, Tensor Labels) Draw(long count, Generator generator)
    {
        var arm = Integers(count, 2, generator);
        var s = sqrt(Uniform(count, generator)) * (3 * Math.PI);
        var sign = (1 - 2 * arm.to_type(ScalarType.Float64)).unsqueeze(1);
        var raw = stack([-s * cos(s), s * sin(s)], 1) * sign + Normal(count, 2, generator) * Noise;
        var (sx, sy) = RawStd;
        return (raw / tensor(new[] { sx, sy }), arm);
    }
}
