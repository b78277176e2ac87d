namespace Research.Framework.Interfaces.Discrete;

/// <summary>
/// A discrete-time noise schedule: T steps with variances β_1..β_T and ᾱ_i = Π_{j ≤ i}(1 − β_j), ᾱ_0 = 1 (clean data).
/// Everything is float64 on the host; <see cref="SchedulePath"/> turns it into a path on t = i/T.
/// </summary>
public sealed class NoiseSchedule
{
    /// <summary>s of the cosine schedule (keeps β_1 from being too small).</summary>
    public const double CosineOffset = 0.008;

    /// <summary>The largest β the cosine schedule keeps (its ᾱ_T would otherwise be exactly 0).</summary>
    public const double MaxCosineBeta = 0.999;

    NoiseSchedule(BetaSchedule kind, double[] betas)
    {
        Kind = kind;
        Betas = betas;
        var alphaBars = new double[betas.Length + 1];
        alphaBars[0] = 1;
        for (int i = 1; i <= betas.Length; i++) alphaBars[i] = alphaBars[i - 1] * (1 - betas[i - 1]);
        AlphaBars = alphaBars;
    }

    /// <summary>Which schedule this is.</summary>
    public BetaSchedule Kind { get; }

    /// <summary>T, the number of steps.</summary>
    public int Steps => Betas.Count;

    /// <summary>β_1..β_T (index i − 1 holds β_i).</summary>
    public IReadOnlyList<double> Betas { get; }

    /// <summary>ᾱ_0..ᾱ_T (index i holds ᾱ_i; ᾱ_0 = 1).</summary>
    public IReadOnlyList<double> AlphaBars { get; }

    /// <summary>The schedule <paramref name="kind"/> with <paramref name="steps"/> steps (≥ 2).</summary>
    public static NoiseSchedule Create(BetaSchedule kind, int steps)
    {
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), steps, $"A noise schedule needs at least 2 steps (got {steps}).");
        return kind switch
        {
            BetaSchedule.Linear => new(kind, LinearBetas(steps)),
            BetaSchedule.Cosine => new(kind, CosineBetas(steps)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, $"Unknown BetaSchedule {kind}. Valid choices: {string.Join(", ", Enum.GetNames<BetaSchedule>())}."),
        };
    }

    static double[] LinearBetas(int steps)
    {
        double scale = 1000.0 / steps, start = scale * 1e-4, end = scale * 0.02;
        if (end >= 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, $"The linear schedule scales β_T = 0.02·1000/T; T = {steps} makes it ≥ 1. Use T ≥ 21 or the cosine schedule.");
        return Enumerable.Range(0, steps).Select(i => start + (end - start) * i / (steps - 1)).ToArray();
    }

    static double[] CosineBetas(int steps)
    {
        double F(int i) => Math.Pow(Math.Cos(((double)i / steps + CosineOffset) / (1 + CosineOffset) * Math.PI / 2), 2);
        return Enumerable.Range(1, steps).Select(i => Math.Min(1 - F(i) / F(i - 1), MaxCosineBeta)).ToArray();
    }
}
