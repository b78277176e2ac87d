using Research.Framework.Interfaces;

namespace Research.Framework.Samplers;

/// <summary>
/// Puts a grid written in noise levels onto a model's own time. A <see cref="KarrasGrid"/> (and a
/// <see cref="TrigGrid"/>) says how much noise each point has, as the noise-to-signal ratio λ = σ/α of the path
/// (EDM's σ, since α ≡ 1 there); any path reaches each λ at one time, found by bisection of its own α and σ, so the
/// grid keeps its spacing in λ on every interface: on SiT's x_t = (1 − t)·x + t·n, λ = t/(1 − t) and t = λ/(1 + λ)
/// (σ_max 80 starts at t = 80/81); on TrigFlow t = atan(λ/σ_d) (the <see cref="TrigGrid"/>); on DDPM's schedule
/// ᾱ(t) = 1/(1 + λ²). This is what k-diffusion's schedules do with σ_min/σ_max for any model with a σ. Grids in the
/// model's own time (<see cref="UniformGrid"/>) are used as they are.
/// </summary>
public static class GridOnPath
{
    /// <summary>Bisection steps: 64 halvings of [0, t_max] reach float64 resolution.</summary>
    const int Halvings = 64;

    /// <summary>The grid's points in <paramref name="path"/>'s time, or the points unchanged when the grid is in the path's own time.</summary>
    public static double[] Convert(TimeGrid grid, double[] points, AffinePath? path)
    {
        if (grid.Domain is not { } domain || path is null || domain == path.Time) return points;
        var times = points.Select(point => TimeOf(path, grid.NoiseToSignal(point))).ToArray();
        for (int i = 1; i < times.Length; i++)
            if (!(times[i] < times[i - 1]))
                throw new ArgumentException(
                    $"{grid.GetType().Name}'s noise levels {grid.NoiseToSignal(points[i - 1])} and {grid.NoiseToSignal(points[i])} fall on the same time " +
                    $"{times[i]} of the model's path ({path.GetType().Name}, {path.Time} time, whose noise-to-signal ratio tops out at {Ratio(path, Top(path))}); " +
                    "lower the grid's sigmaMax or use a grid in the model's own time (UniformGrid).");
        return times;
    }

    /// <summary>The time where <paramref name="path"/>'s σ/α equals <paramref name="ratio"/> (0 at the data end; the noise end when the path never gets that noisy).</summary>
    public static double TimeOf(AffinePath path, double ratio)
    {
        if (!(ratio >= 0) || double.IsNaN(ratio))
            throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "A noise-to-signal ratio must be ≥ 0.");
        if (ratio == 0) return 0;
        if (path.Time == PathTime.Sigma && path.IsVarianceExploding) return ratio;   // α ≡ 1: t is σ itself
        double low = 0, high = Top(path);
        if (Ratio(path, high) <= ratio) return high;
        for (int i = 0; i < Halvings; i++)
        {
            double middle = 0.5 * (low + high);
            if (Ratio(path, middle) < ratio) low = middle; else high = middle;
        }
        return 0.5 * (low + high);
    }

    /// <summary>The noise end of the path's time: 1 for unit time, π/2 for TrigFlow, a large σ for a σ path.</summary>
    static double Top(AffinePath path) => path.Time switch
    {
        PathTime.Unit => 1,
        PathTime.Trig => Math.PI / 2,
        _ => 1e6,
    };

    static double Ratio(AffinePath path, double t)
    {
        var (alpha, sigma) = path.At(t);
        return alpha <= 0 ? double.PositiveInfinity : sigma / alpha;
    }
}
