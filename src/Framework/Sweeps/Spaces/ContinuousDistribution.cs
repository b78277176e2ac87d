using System.Globalization;

namespace Research.Framework.Sweeps;

/// <summary>
/// A law on the real line given by its CDF and inverse CDF, optionally quantized to multiples of <see cref="Step"/>
/// (W&amp;B's <c>q_*</c> laws: <c>round(x / q) * q</c>, rounding half to even like numpy).
/// </summary>
public abstract record ContinuousDistribution : Distribution
{
    /// <summary>The value below which a fraction <paramref name="u"/> of the (unquantized) law lies.</summary>
    public abstract double InverseCdf(double u);

    /// <summary>The (unquantized) cumulative probability at <paramref name="x"/>, defined on the whole real line.</summary>
    public abstract double Cdf(double x);

    /// <summary>The quantization step q of a <c>q_*</c> law; null for a continuous law.</summary>
    public virtual double? Step => null;

    /// <inheritdoc/>
    public override string Quantile(double probability)
    {
        double x = InverseCdf(Math.Clamp(probability, 0, 1));
        return Step is { } q ? SweepValue.Quantize(x, q) : Text(x);
    }

    /// <inheritdoc/>
    public override (double Low, double High)? Interval(string value)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) || !double.IsFinite(x)) return null;
        if (Step is not { } q)
        {
            double u = Cdf(x);
            return u is >= -1e-12 and <= 1 + 1e-12 ? (Math.Clamp(u, 0, 1), Math.Clamp(u, 0, 1)) : null;
        }
        if (Math.Abs(x / q - Math.Round(x / q)) > 1e-6) return null;
        double low = Math.Clamp(Cdf(x - q / 2), 0, 1), high = Math.Clamp(Cdf(x + q / 2), 0, 1);
        return high > low ? (low, high) : null;
    }

    /// <summary>The problem of a step that is not positive, or null.</summary>
    protected static string? PositiveStep(double q) => q > 0 && double.IsFinite(q) ? null : $"q must be positive (got {Text(q)})";

    /// <summary>The problem of bounds that are not ordered, or null.</summary>
    protected static string? Ordered(double min, double max) =>
        !double.IsFinite(min) || !double.IsFinite(max) ? "min and max must be finite numbers"
        : min < max ? null : $"min ({Text(min)}) must be less than max ({Text(max)})";

    /// <summary>The problem of bounds that must be positive values (the <c>*_values</c> log laws), or null.</summary>
    protected static string? Positive(double min, double max) =>
        min > 0 && max > 0 ? null : $"min and max are values here and must be positive (got {Text(min)}, {Text(max)}); log_uniform takes natural-log exponents instead";

    /// <summary>The problem of a scale that is not positive, or null.</summary>
    protected static string? PositiveScale(string name, double value) =>
        value > 0 && double.IsFinite(value) ? null : $"{name} must be positive (got {Text(value)})";

    /// <summary>A probability moved inside (0, 1), so laws on the whole line give finite values at the ends.</summary>
    protected static double Open(double u) => Math.Clamp(u, 1.0 / (1L << 53), 1 - 1.0 / (1L << 53));
}
