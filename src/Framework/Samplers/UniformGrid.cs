using Research.Framework.Interfaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Samplers;

/// <summary>
/// linspace(tStart, tEnd, steps + 1), then the resolution shift t' = s·t / (1 + (s − 1)·t) with
/// s = sqrt(shiftCur / shiftBase) (the defaults give s = 1, no shift). The reference's "uniform" grid.
/// </summary>
public sealed class UniformGrid : TimeGrid
{
    /// <summary>Creates the grid; every value must be finite, the shift resolutions &gt; 0 and tStart ≠ tEnd.</summary>
    public UniformGrid(double tStart = 1, double tEnd = 0, double shiftBase = 4096, double shiftCur = 4096)
    {
        if (!double.IsFinite(tStart) || !double.IsFinite(tEnd) || tStart == tEnd)
            throw new ArgumentOutOfRangeException(nameof(tStart), $"UniformGrid needs finite, distinct tStart and tEnd (got {tStart} and {tEnd}).");
        if (!(shiftBase > 0) || !(shiftCur > 0) || double.IsInfinity(shiftBase) || double.IsInfinity(shiftCur))
            throw new ArgumentOutOfRangeException(nameof(shiftBase), $"UniformGrid needs finite shiftBase and shiftCur > 0 (got {shiftBase} and {shiftCur}).");
        (TStart, TEnd, ShiftBase, ShiftCur) = (tStart, tEnd, shiftBase, shiftCur);
    }

    /// <summary>First time (noise end).</summary>
    public double TStart { get; }
    /// <summary>Last time (data end).</summary>
    public double TEnd { get; }
    /// <summary>Resolution at which the shift is 1.</summary>
    public double ShiftBase { get; }
    /// <summary>Resolution sampled at.</summary>
    public double ShiftCur { get; }

    /// <inheritdoc />
    protected override Tensor BuildFloat64(int steps) =>
        Interface.TShift(linspace(TStart, TEnd, steps + 1, ScalarType.Float64), Math.Sqrt(ShiftCur / ShiftBase));
}
