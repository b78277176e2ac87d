using System.Globalization;

namespace Research.Framework.Sweeps;

/// <summary>
/// The invariant text of sweep values: numbers as the command line takes them, and the canonical form that decides
/// when two texts are the same value (grid dedupe, TPE's categorical lookup).
/// </summary>
public static class SweepValue
{
    /// <summary>
    /// The canonical text of a value: a number becomes its shortest round-trip text, with integral numbers written
    /// as integers (like wandb's grid hash, so <c>3e6</c>, <c>3000000.0</c> and <c>3000000</c> are one value); a
    /// boolean becomes <c>true</c>/<c>false</c>; any other text is kept as it is.
    /// </summary>
    public static string Canonical(string text)
    {
        var trimmed = text.Trim();
        if (double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && double.IsFinite(x))
            return Number(x);
        if (bool.TryParse(trimmed, out var b)) return b ? "true" : "false";
        return text;
    }

    /// <summary>The text of a number: an integer when it is integral (and exactly representable), else round-trip text.</summary>
    public static string Number(double x) =>
        x == Math.Floor(x) && Math.Abs(x) < 9007199254740992.0
            ? ((long)x).ToString(CultureInfo.InvariantCulture)
            : x.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// <c>round(x / q) · q</c> (half to even, as numpy rounds), written without binary noise: 3 · 0.1 is <c>0.3</c>.
    /// </summary>
    public static string Quantize(double x, double q) => Multiple(0, Math.Round(x / q, MidpointRounding.ToEven), q);

    /// <summary><c>start + i · q</c> written without binary noise (numpy's arange elements).</summary>
    public static string Step(double start, long i, double q) => Multiple(start, i, q);

    static string Multiple(double start, double k, double q)
    {
        double value = start + k * q;
        if (Math.Abs(k) < 1e15 && Math.Abs(start) < 1e15 && Math.Abs(q) is > 1e-15 and < 1e15)
        {
            // Decimal arithmetic on the 15-digit forms of start and q; used only when it differs from the binary
            // result by rounding noise, so it never invents a different value.
            double exact = (double)((decimal)start + (decimal)k * (decimal)q);
            if (Math.Abs(exact - value) <= 1e-9 * Math.Max(Math.Abs(value), Math.Abs(q))) return Number(exact);
        }
        return Number(value);
    }
}
