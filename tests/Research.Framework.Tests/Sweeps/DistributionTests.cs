using System.Globalization;
using Research.Framework.Sweeps;
using Research.Framework.Tests.TestSupport;
using Xunit;

namespace Research.Framework.Tests.Sweeps;

/// <summary>
/// Every W&amp;B law sampled 10^5 times (seeded) against closed forms written out here: the mean within 5 standard
/// errors (σ/√N from the closed-form σ), and the empirical CDF at chosen points (or each value's frequency, for a
/// discrete law) within 5 binomial standard errors √(p(1−p)/N). A correct sampler fails one such check with
/// probability about 6·10⁻⁷; a law with wrong parameters (exponents read as values, a wrong q cell) misses by many.
/// </summary>
public class DistributionTests
{
    const int N = 100_000;

    static double[] Draw(Distribution law, int seed = 1)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, N).Select(_ => double.Parse(law.Sample(random), CultureInfo.InvariantCulture))];
    }

    static void Mean(double[] draws, double mean, double sd) =>
        TensorAssert.Close(mean, draws.Average(), 5 * sd / Math.Sqrt(N), "mean");

    static void Fraction(double expected, double empirical, string what) =>
        TensorAssert.Close(expected, empirical, 5 * Math.Sqrt(expected * (1 - expected) / N) + 1e-9, what);

    static void Cdf(double[] draws, Func<double, double> cdf, params double[] at)
    {
        foreach (var x in at) Fraction(cdf(x), draws.Count(d => d <= x) / (double)N, $"CDF at {x}");
    }

    static void Frequency(double[] draws, double value, double probability) =>
        Fraction(probability, draws.Count(d => Math.Abs(d - value) < 1e-9) / (double)N, $"P(X = {value})");

    /// <summary>Log-uniform on [a, b]: mean (b − a)/ln(b/a), E[X²] = (b² − a²)/(2 ln(b/a)), F(x) = ln(x/a)/ln(b/a).</summary>
    static void LogUniformOn(double[] draws, double a, double b)
    {
        Assert.All(draws, d => Assert.InRange(d, a * (1 - 1e-12), b * (1 + 1e-12)));
        double mean = (b - a) / Math.Log(b / a), second = (b * b - a * a) / (2 * Math.Log(b / a));
        Mean(draws, mean, Math.Sqrt(second - mean * mean));
        Cdf(draws, x => Math.Log(x / a) / Math.Log(b / a), a * 2, Math.Sqrt(a * b), b / 3);
    }

    [Fact]
    public void Constant_is_always_its_value() =>
        Assert.All(Enumerable.Range(0, 100).Select(i => new Constant("Heun").Sample(new Random(i))), v => Assert.Equal("Heun", v));

    [Fact]
    public void Categorical_is_uniform_and_follows_probabilities()
    {
        var random = new Random(2);
        var uniform = Enumerable.Range(0, N).Select(_ => new Categorical(["a", "b", "c"]).Sample(random)).ToList();
        foreach (var v in new[] { "a", "b", "c" }) Fraction(1.0 / 3, uniform.Count(x => x == v) / (double)N, v);
        var weighted = Enumerable.Range(0, N).Select(_ => new Categorical(["a", "b", "c"], [0.2, 0.5, 0.3]).Sample(random)).ToList();
        Fraction(0.2, weighted.Count(x => x == "a") / (double)N, "a");
        Fraction(0.5, weighted.Count(x => x == "b") / (double)N, "b");
        Fraction(0.3, weighted.Count(x => x == "c") / (double)N, "c");
    }

    [Fact]
    public void Int_uniform_includes_both_ends()
    {
        // Each of 1..6 with probability 1/6; mean 3.5, variance (6² − 1)/12.
        var draws = Draw(new IntUniform(1, 6));
        for (int k = 1; k <= 6; k++) Frequency(draws, k, 1.0 / 6);
        Mean(draws, 3.5, Math.Sqrt(35.0 / 12));
    }

    [Fact]
    public void Uniform_matches_its_moments_and_cdf()
    {
        // U(−2, 6): mean 2, σ = 8/√12, F(x) = (x + 2)/8.
        var draws = Draw(new Uniform(-2, 6));
        Mean(draws, 2, 8 / Math.Sqrt(12));
        Cdf(draws, x => (x + 2) / 8, -1, 0.5, 5);
    }

    [Fact]
    public void Log_uniform_takes_exponents_and_log_uniform_values_takes_values_for_the_same_law()
    {
        // THE TRAP: log_uniform(ln 1e-5, ln 1e-3) and log_uniform_values(1e-5, 1e-3) are the same law on
        // [1e-5, 1e-3] (mean (1e-3 − 1e-5)/ln 100 ≈ 2.15e-4). Reading log_uniform's min/max as values would give
        // log(−11.5): no valid draw at all; reading log_uniform_values' as exponents would give values near 1.
        LogUniformOn(Draw(new LogUniform(Math.Log(1e-5), Math.Log(1e-3)), 3), 1e-5, 1e-3);
        LogUniformOn(Draw(new LogUniformValues(1e-5, 1e-3), 4), 1e-5, 1e-3);
        // Positive exponents as well: log_uniform(0, ln 10) lies on [1, 10] (as values it would lie on [0, 2.3]).
        LogUniformOn(Draw(new LogUniform(0, Math.Log(10)), 5), 1, 10);
    }

    [Fact]
    public void Inverse_log_uniforms_are_log_uniform_on_the_reciprocal_exponents()
    {
        // inv_log_uniform(min, max) = exp(−U(min, max)): log-uniform on [e^−max, e^−min] = [1e-3, 1e-1] here.
        LogUniformOn(Draw(new InvLogUniform(Math.Log(10), Math.Log(1000)), 6), 1e-3, 1e-1);
        // inv_log_uniform_values(min, max) uses exponents −ln max and −ln min: log-uniform on [min, max].
        LogUniformOn(Draw(new InvLogUniformValues(1e-3, 1e-1), 7), 1e-3, 1e-1);
    }

    [Fact]
    public void Q_uniform_rounds_to_multiples_of_q()
    {
        // round(U(0, 10)/2.5)·2.5: 0 and 10 take half cells (1/8 each), 2.5, 5 and 7.5 full ones (1/4).
        var draws = Draw(new QUniform(0, 10, 2.5), 8);
        Frequency(draws, 0, 0.125);
        Frequency(draws, 2.5, 0.25);
        Frequency(draws, 5, 0.25);
        Frequency(draws, 7.5, 0.25);
        Frequency(draws, 10, 0.125);
        // Written without binary noise: every draw of q = 0.1 has at most one decimal.
        var random = new Random(9);
        Assert.All(Enumerable.Range(0, 1000).Select(_ => new QUniform(0, 1, 0.1).Sample(random)), v => Assert.True(v.Length <= 3, v));
    }

    [Fact]
    public void Q_log_uniforms_round_a_log_uniform()
    {
        // round(exp(U(0, ln 100))): P(k) = ln((k + ½)/(k − ½))/ln 100 inside, the half cells [1, 1.5) and [99.5, 100] at the ends.
        foreach (var (law, seed) in new (Distribution, int)[] { (new QLogUniform(0, Math.Log(100), 1), 10), (new QLogUniformValues(1, 100, 1), 11) })
        {
            var draws = Draw(law, seed);
            Frequency(draws, 1, Math.Log(1.5) / Math.Log(100));
            Frequency(draws, 2, Math.Log(2.5 / 1.5) / Math.Log(100));
            Frequency(draws, 10, Math.Log(10.5 / 9.5) / Math.Log(100));
            Frequency(draws, 100, Math.Log(100 / 99.5) / Math.Log(100));
        }
    }

    [Fact]
    public void Normal_and_q_normal()
    {
        // N(2, 3²): mean 2, F(μ ± σ) = Φ(±1), F(μ) = ½.
        var draws = Draw(new Normal(2, 3), 12);
        Mean(draws, 2, 3);
        Cdf(draws, x => ClosedForm.NormalCdf((x - 2) / 3), -1, 2, 5);
        // round(N(0, 1)/0.5)·0.5: P(0) = Φ(0.25) − Φ(−0.25), P(0.5) = Φ(0.75) − Φ(0.25).
        var quantized = Draw(new QNormal(0, 1, 0.5), 13);
        Frequency(quantized, 0, ClosedForm.NormalCdf(0.25) - ClosedForm.NormalCdf(-0.25));
        Frequency(quantized, 0.5, ClosedForm.NormalCdf(0.75) - ClosedForm.NormalCdf(0.25));
        Mean(quantized, 0, Math.Sqrt(1 + 0.25 / 12));
    }

    [Fact]
    public void Log_normal_and_q_log_normal()
    {
        // exp(N(0, 0.5²)): mean e^{σ²/2}, variance (e^{σ²} − 1)e^{σ²}, median 1, F(e^σ) = Φ(1).
        var draws = Draw(new LogNormal(0, 0.5), 14);
        Mean(draws, Math.Exp(0.125), Math.Sqrt((Math.Exp(0.25) - 1) * Math.Exp(0.25)));
        Cdf(draws, x => ClosedForm.NormalCdf(Math.Log(x) / 0.5), 1, Math.Exp(0.5), Math.Exp(-0.5));
        // round(exp(N(0, 1))): P(0) = Φ(ln ½), P(1) = Φ(ln 1.5) − Φ(ln ½).
        var quantized = Draw(new QLogNormal(0, 1, 1), 15);
        Frequency(quantized, 0, ClosedForm.NormalCdf(Math.Log(0.5)));
        Frequency(quantized, 1, ClosedForm.NormalCdf(Math.Log(1.5)) - ClosedForm.NormalCdf(Math.Log(0.5)));
    }

    [Fact]
    public void Beta_and_q_beta()
    {
        // Beta(2, 5): mean 2/7, variance ab/((a+b)²(a+b+1)) = 10/392, F(x) = 1 − (1−x)⁶ − 6x(1−x)⁵.
        var draws = Draw(new Beta(2, 5), 16);
        Mean(draws, 2.0 / 7, Math.Sqrt(10.0 / 392));
        Cdf(draws, x => 1 - Math.Pow(1 - x, 6) - 6 * x * Math.Pow(1 - x, 5), 0.1, 0.3, 0.5);
        // round(Beta(2, 2)/0.25)·0.25 with F(x) = 3x² − 2x³: P(0) = F(0.125) = 0.04296875, P(0.5) = F(0.625) − F(0.375) = 0.3671875.
        var quantized = Draw(new QBeta(2, 2, 0.25), 17);
        Frequency(quantized, 0, 0.04296875);
        Frequency(quantized, 0.5, 0.3671875);
    }

    [Fact]
    public void Interval_is_the_set_of_draws_that_give_the_value()
    {
        // TPE relies on it: every u lies in the cell of its own quantile, and a continuous value's cell is a point.
        var laws = new Distribution[]
        {
            new IntUniform(-3, 4), new Uniform(-1, 2), new LogUniform(-5, 1), new LogUniformValues(1e-4, 1), new InvLogUniform(1, 4),
            new InvLogUniformValues(0.01, 3), new QUniform(0, 3, 0.5), new QLogUniform(0, 4, 2), new QLogUniformValues(1, 50, 5),
            new Normal(1, 2), new QNormal(0, 3, 1), new LogNormal(0, 1), new QLogNormal(1, 0.5, 0.25), new Beta(2, 3), new QBeta(0.5, 0.5, 0.1),
        };
        var random = new Random(18);
        foreach (var law in laws)
            for (int i = 0; i < 200; i++)
            {
                double u = random.NextDouble();
                var (low, high) = law.Interval(law.Quantile(u)) ?? throw new Xunit.Sdk.XunitException($"{law}: no cell for {law.Quantile(u)}");
                Assert.True(low - 1e-9 <= u && u <= high + 1e-9, $"{law}: u = {u} outside [{low}, {high}] of {law.Quantile(u)}");
            }
        Assert.Null(new IntUniform(1, 3).Interval("4"));
        Assert.Null(new QUniform(0, 1, 0.25).Interval("0.3"));
        Assert.Equal((0.25, 0.5), new IntUniform(1, 4).Interval("2"));
    }

    [Fact]
    public void Problems_name_the_argument()
    {
        Assert.Contains("min", new Uniform(2, 1).Problem);
        Assert.Contains("natural-log exponents", new LogUniformValues(0, 1).Problem);
        Assert.Contains("sigma", new Normal(0, 0).Problem);
        Assert.Contains("q must be positive", new QUniform(0, 1, 0).Problem);
        Assert.Contains("sum to 1", new Categorical(["a", "b"], [0.5, 0.6]).Problem);
        Assert.Null(new LogUniform(-12, -7).Problem);
    }

    [Fact]
    public void Canonical_values_identify_numbers_written_differently()
    {
        Assert.Equal("0.0003", SweepValue.Canonical("3e-4"));
        Assert.Equal("3000000", SweepValue.Canonical("3000000.0"));
        Assert.Equal("64", SweepValue.Canonical("64"));
        Assert.Equal("true", SweepValue.Canonical("True"));
        Assert.Equal("Heun", SweepValue.Canonical("Heun"));
        Assert.Equal("0.3", SweepValue.Quantize(0.29, 0.1));
        Assert.Equal("2", SweepValue.Quantize(2.5, 1)); // half to even, as numpy rounds
    }
}
