namespace Research.Framework.Interfaces;

/// <summary>Range checks whose errors name the option, its value and the valid range.</summary>
internal static class OptionChecks
{
    public static void Positive(double value, string option)
    {
        if (!(value > 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(option, value, $"{option} must be a finite number > 0 (got {value}).");
    }

    public static void NonNegative(double value, string option)
    {
        if (!(value >= 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(option, value, $"{option} must be a finite number ≥ 0 (got {value}).");
    }

    public static void Finite(double value, string option)
    {
        if (!double.IsFinite(value))
            throw new ArgumentOutOfRangeException(option, value, $"{option} must be a finite number (got {value}).");
    }

    public static void InUnitInterval(double value, string option)
    {
        if (!(value >= 0 && value <= 1))
            throw new ArgumentOutOfRangeException(option, value, $"{option} must lie in [0, 1] (got {value}).");
    }
}
