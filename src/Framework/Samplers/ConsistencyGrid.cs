using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Samplers;

/// <summary>
/// The times of few-step consistency sampling on TrigFlow's clock: [T, 0] for one step; for k ≥ 2 steps
/// [T, t_mid, …, t_mid/(k − 1), 0], the intermediate re-noising times spaced evenly below t_mid. sCM's two-step sampler
/// is [atan(80/0.5) ≈ 1.5645, 1.1, 0], the defaults.
/// </summary>
public sealed class ConsistencyGrid : TimeGrid
{
    /// <summary>Creates the grid; needs 0 &lt; tMid &lt; tMax ≤ π/2.</summary>
    public ConsistencyGrid(double tMax = 1.5645, double tMid = 1.1)
    {
        if (!(tMax > 0 && tMax <= Math.PI / 2) || !(tMid > 0 && tMid < tMax))
            throw new ArgumentOutOfRangeException(nameof(tMax), $"ConsistencyGrid needs 0 < tMid < tMax ≤ π/2 (got tMax {tMax}, tMid {tMid}).");
        (TMax, TMid) = (tMax, tMid);
    }

    /// <summary>Where sampling starts (x_T = σ_d·ε).</summary>
    public double TMax { get; }
    /// <summary>The first re-noising time.</summary>
    public double TMid { get; }

    /// <inheritdoc />
    protected override Tensor BuildFloat64(int steps)
    {
        var times = new double[steps + 1];
        times[0] = TMax;
        for (int j = 1; j < steps; j++) times[j] = TMid * (steps - j) / (steps - 1);
        return tensor(times);
    }
}
