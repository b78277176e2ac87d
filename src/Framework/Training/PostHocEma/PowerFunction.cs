namespace Research.Framework.Training.PostHocEma;

/// <summary>
/// The power-function EMA profiles of EDM2 (Karras et al. 2024, "Analyzing and Improving the Training Dynamics of
/// Diffusion Models", section 3 and appendix C; NVlabs/edm2 <c>training/phema.py</c>), in the same order and with
/// the same names. A profile of exponent γ averages the weights seen up to time t with density
/// p_t(τ) = (γ + 1)·τ^γ / t^(γ+1) on [0, t]; its relative standard deviation σ_rel (the width of the averaging
/// window over its length) is <see cref="ExpToStd"/>. Times are training steps here (EDM2 counts images; the solve
/// is unchanged by the unit).
/// </summary>
public static class PowerFunction
{
    /// <summary>The widest profile, γ = 0 (a uniform average of the whole run): σ_rel = 1/√12.</summary>
    public static readonly double MaxStd = Math.Sqrt(1.0 / 12.0);

    /// <summary>σ_rel of exponent γ: √((γ + 1) / ((γ + 2)²·(γ + 3))).</summary>
    public static double ExpToStd(double exp) => Math.Sqrt((exp + 1) / ((exp + 2) * (exp + 2)) / (exp + 3));

    /// <summary>
    /// The exponent γ ≥ 0 of σ_rel: the largest real root of γ³ + 7γ² + (16 − σ⁻²)γ + (12 − σ⁻²) = 0 (the inverse
    /// of <see cref="ExpToStd"/>), by Newton's method from Cauchy's bound on the roots, where the cubic is convex
    /// and increasing, so the iterates fall monotonically onto the largest root.
    /// </summary>
    public static double StdToExp(double std)
    {
        if (!(std > 0 && std <= MaxStd))
            throw new ArgumentOutOfRangeException(nameof(std), std, $"A power-function EMA's σ_rel must lie in (0, 1/√12 ≈ {MaxStd:0.####}] (got {std}); EDM2 uses 0.05 and 0.10.");
        double t = 1 / (std * std);
        double a = 7, b = 16 - t, c = 12 - t;
        double x = 1 + Math.Max(Math.Abs(a), Math.Max(Math.Abs(b), Math.Abs(c)));
        for (int i = 0; i < 200; i++)
        {
            double f = ((x + a) * x + b) * x + c, slope = (3 * x + 2 * a) * x + b;
            double next = x - f / slope;
            if (next >= x) break;   // no more progress in double precision
            x = next;
        }
        return Math.Max(x, 0);
    }

    /// <summary>
    /// The decay of the update that brings a profile to step t: β_t = (1 − 1/t)^(γ+1) (phema.py's
    /// <c>power_function_beta</c> with one step per update). β_1 = 0, so the start weights leave no trace, and
    /// after t updates the weight on the weights of step τ is (τ^(γ+1) − (τ − 1)^(γ+1)) / t^(γ+1).
    /// </summary>
    public static double Beta(double std, long t)
    {
        if (t < 1) throw new ArgumentOutOfRangeException(nameof(t), t, "The power-function EMA counts steps from 1.");
        return Math.Pow(1 - 1.0 / t, StdToExp(std) + 1);
    }

    /// <summary>
    /// The inner product ∫ p_a(τ)·p_b(τ) dτ of the profile with σ_rel <paramref name="aStd"/> at time
    /// <paramref name="aT"/> and the one with <paramref name="bStd"/> at <paramref name="bT"/> (phema.py's
    /// <c>power_function_correlation</c>): (γ_a + 1)(γ_b + 1)·r / ((γ_a + γ_b + 1)·max(t_a, t_b)), with
    /// r = (t_a/t_b)^γ_b when t_a &lt; t_b and (t_a/t_b)^(−γ_a) otherwise.
    /// </summary>
    public static double Correlation(double aT, double aStd, double bT, double bStd)
    {
        double aExp = StdToExp(aStd), bExp = StdToExp(bStd);
        double ratio = Math.Pow(aT / bT, aT < bT ? bExp : -aExp);
        return (aExp + 1) * (bExp + 1) * ratio / ((aExp + bExp + 1) * Math.Max(aT, bT));
    }

    /// <summary>
    /// phema.py's <c>solve_posthoc_coefficients</c>: the coefficients x[i, j] such that Σ_i x[i, j]·(stored profile i)
    /// is the least-squares closest combination to wanted profile j, from the normal equations A·X = B with
    /// A[i, k] = ⟨in_i, in_k⟩ and B[i, j] = ⟨in_i, out_j⟩. A wanted profile that is one of the stored ones gets
    /// that profile's unit vector (to the precision of the solve).
    /// </summary>
    public static double[,] SolveCoefficients(IReadOnlyList<(double T, double Std)> stored, IReadOnlyList<(double T, double Std)> wanted)
    {
        int n = stored.Count, m = wanted.Count;
        if (n == 0) throw new ArgumentException("Post-hoc EMA needs at least one stored profile.", nameof(stored));
        var a = new double[n, n];
        var b = new double[n, m];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < n; k++) a[i, k] = Correlation(stored[i].T, stored[i].Std, stored[k].T, stored[k].Std);
            for (int j = 0; j < m; j++) b[i, j] = Correlation(stored[i].T, stored[i].Std, wanted[j].T, wanted[j].Std);
        }
        Solve(a, b);
        return b;
    }

    /// <summary>Solves A·X = B in place (X overwrites B) by Gaussian elimination with partial pivoting.</summary>
    static void Solve(double[,] a, double[,] b)
    {
        int n = a.GetLength(0), m = b.GetLength(1);
        for (int column = 0; column < n; column++)
        {
            int pivot = column;
            for (int row = column + 1; row < n; row++)
                if (Math.Abs(a[row, column]) > Math.Abs(a[pivot, column])) pivot = row;
            if (a[pivot, column] == 0)
                throw new ArgumentException("The stored profiles are linearly dependent (two snapshots of the same σ_rel at the same step?).");
            Swap(a, pivot, column);
            Swap(b, pivot, column);
            for (int row = column + 1; row < n; row++)
            {
                double factor = a[row, column] / a[column, column];
                for (int k = column; k < n; k++) a[row, k] -= factor * a[column, k];
                for (int j = 0; j < m; j++) b[row, j] -= factor * b[column, j];
            }
        }
        for (int row = n - 1; row >= 0; row--)
            for (int j = 0; j < m; j++)
            {
                double sum = b[row, j];
                for (int k = row + 1; k < n; k++) sum -= a[row, k] * b[k, j];
                b[row, j] = sum / a[row, row];
            }
    }

    static void Swap(double[,] matrix, int first, int second)
    {
        if (first == second) return;
        for (int k = 0; k < matrix.GetLength(1); k++) (matrix[first, k], matrix[second, k]) = (matrix[second, k], matrix[first, k]);
    }
}
