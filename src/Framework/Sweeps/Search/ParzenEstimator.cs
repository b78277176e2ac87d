using MathNet.Numerics;

namespace Research.Framework.Sweeps;

/// <summary>
/// One-dimensional Parzen estimators of Optuna's TPE (<c>optuna/samplers/_tpe/parzen_estimator.py</c>) with its
/// defaults: prior weight 1, magic clip on, endpoints not considered, and <c>default_weights</c> (equal weights below
/// 25 observations, a linear ramp over the oldest ones beyond).
/// </summary>
/// <remarks>
/// The numeric estimator works on u = F(x) ∈ [0, 1], the law's own probability scale (see
/// <see cref="Distribution.Interval"/>). For uniform, log-uniform and integer laws that is an affine map of Optuna's
/// internal space (linear, log, or integer cells with the ±step/2 edges), and Optuna's bandwidth rules are affine
/// invariant, so the estimator is Optuna's. Normal, log-normal and beta laws, which Optuna has no counterpart for,
/// are modelled on their CDF scale as wandb's bayes search does. Kernels are normals truncated to [0, 1]; an
/// integer or quantized value is scored by the kernel's mass over the value's cell, a continuous one by its density.
/// </remarks>
abstract class ParzenEstimator
{
    protected const double PriorWeight = 1.0;

    /// <summary>Optuna's default_weights(n) with the prior's weight appended, normalized.</summary>
    protected static double[] MixtureWeights(int observations)
    {
        var weights = new double[observations + 1];
        for (int i = 0; i < observations; i++)
            weights[i] = observations < 25 || i >= observations - 25 ? 1.0
                : 1.0 / observations + (1.0 - 1.0 / observations) * i / Math.Max(observations - 26, 1);
        weights[observations] = PriorWeight;
        double sum = weights.Sum();
        return [.. weights.Select(w => w / sum)];
    }

    /// <summary>The index of a component drawn by weight.</summary>
    protected static int Pick(double[] weights, Random random)
    {
        double u = random.NextDouble(), cumulative = 0;
        for (int i = 0; i < weights.Length; i++)
            if (u < (cumulative += weights[i])) return i;
        return weights.Length - 1;
    }

    /// <summary>log Σ exp(terms), safe when every term is −∞.</summary>
    protected static double LogSumExp(IEnumerable<double> terms)
    {
        var list = terms.ToList();
        double max = list.Max();
        if (double.IsNegativeInfinity(max)) return max;
        return max + Math.Log(list.Sum(t => Math.Exp(t - max)));
    }
}

/// <summary>The numeric Parzen estimator on the probability scale [0, 1].</summary>
sealed class NumericParzenEstimator : ParzenEstimator
{
    readonly double[] mus, sigmas, weights;

    /// <summary>Kernels at <paramref name="observations"/> (in trial-number order, for the weight ramp) plus the prior N(0.5, 1).</summary>
    public NumericParzenEstimator(IReadOnlyList<double> observations)
    {
        int n = observations.Count;
        weights = MixtureWeights(n);
        mus = [.. observations, 0.5];
        sigmas = new double[n + 1];
        sigmas[n] = 1.0;
        if (n == 0) return;
        var order = Enumerable.Range(0, n).OrderBy(i => observations[i]).ToArray();
        var sorted = new double[n + 2];
        sorted[0] = 0;
        sorted[n + 1] = 1;
        for (int i = 0; i < n; i++) sorted[i + 1] = observations[order[i]];
        var bySorted = new double[n];
        for (int i = 0; i < n; i++)
            bySorted[i] = Math.Max(sorted[i + 1] - sorted[i], sorted[i + 2] - sorted[i + 1]);
        // consider_endpoints = False: the outermost kernels use their inner neighbour's distance only.
        if (n >= 2)
        {
            bySorted[0] = sorted[2] - sorted[1];
            bySorted[n - 1] = sorted[n] - sorted[n - 1];
        }
        // Magic clip: σ ∈ [range / min(100, 1 + kernels), range] with range 1 and kernels = n + 1 (the prior included).
        double minSigma = 1.0 / Math.Min(100.0, 1.0 + (n + 1));
        for (int i = 0; i < n; i++) sigmas[order[i]] = Math.Clamp(bySorted[i], minSigma, 1.0);
    }

    /// <summary>A draw from the mixture, each kernel truncated to [0, 1] (inverse CDF of the truncated normal).</summary>
    public double Sample(Random random)
    {
        int k = Pick(weights, random);
        double low = Phi(-mus[k] / sigmas[k]), high = Phi((1 - mus[k]) / sigmas[k]);
        double u = low + random.NextDouble() * (high - low);
        double x = mus[k] + sigmas[k] * MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, Math.Clamp(u, 1e-300, 1 - 1e-16));
        return Math.Clamp(x, 0, 1);
    }

    /// <summary>log density at <paramref name="low"/> when the cell is a point, else log mass of [low, high].</summary>
    public double LogScore(double low, double high) => LogSumExp(Enumerable.Range(0, mus.Length).Select(k =>
    {
        double z = LogMass(-mus[k] / sigmas[k], (1 - mus[k]) / sigmas[k]);
        double own = high > low
            ? LogMass((low - mus[k]) / sigmas[k], (high - mus[k]) / sigmas[k])
            : -0.5 * Math.Pow((low - mus[k]) / sigmas[k], 2) - Math.Log(sigmas[k] * Math.Sqrt(2 * Math.PI));
        return Math.Log(weights[k]) + own - z;
    }));

    static double Phi(double z) => 0.5 * SpecialFunctions.Erfc(-z / Math.Sqrt(2));

    /// <summary>log(Φ(b) − Φ(a)) computed on the tail that keeps precision.</summary>
    static double LogMass(double a, double b)
    {
        double mass = a >= 0 ? Phi(-a) - Phi(-b) : b <= 0 ? Phi(b) - Phi(a) : 1 - Phi(a) - Phi(-b);
        return mass > 0 ? Math.Log(mass) : double.NegativeInfinity;
    }
}

/// <summary>
/// Optuna's categorical Parzen estimator: each observation is a kernel that puts weight 1 + w on its choice and w on
/// every choice (w = prior weight / kernels), normalized; the prior kernel is uniform. (The sweep file's
/// probabilities shape the random startup draws only, as Optuna's categorical kernels are uniform.)
/// </summary>
sealed class CategoricalParzenEstimator : ParzenEstimator
{
    readonly double[][] rows;
    readonly double[] weights;

    public CategoricalParzenEstimator(IReadOnlyList<int> observations, int choices)
    {
        int n = observations.Count, kernels = n + 1;
        weights = MixtureWeights(n);
        rows = new double[kernels][];
        for (int k = 0; k < kernels; k++)
        {
            var row = Enumerable.Repeat(PriorWeight / kernels, choices).ToArray();
            if (k < n) row[observations[k]] += 1;
            double sum = row.Sum();
            rows[k] = [.. row.Select(v => v / sum)];
        }
    }

    public int Sample(Random random) => Pick(rows[Pick(weights, random)], random);

    public double LogScore(int choice) => LogSumExp(Enumerable.Range(0, rows.Length).Select(k => Math.Log(weights[k]) + Math.Log(rows[k][choice])));
}
