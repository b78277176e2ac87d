using Research.Framework.Interfaces;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Interfaces;

public class TimeDistParserTests
{
    [Theory]
    [InlineData("uniform", TimeDist.Uniform)]
    [InlineData("UNIFORM", TimeDist.Uniform)]
    [InlineData("lognormal", TimeDist.LogNormal)]
    [InlineData("LogNormal", TimeDist.LogNormal)]
    [InlineData("logit_normal", TimeDist.LogitNormal)]
    [InlineData("Logit_Normal", TimeDist.LogitNormal)]
    [InlineData("logitnormal", TimeDist.LogitNormal)]
    [InlineData("LOGITNORMAL", TimeDist.LogitNormal)]
    public void AcceptsTheReferenceSpellingsInAnyCase(string text, TimeDist expected) =>
        Assert.Equal(expected, TimeDistParser.Parse(text));

    [Theory]
    [InlineData("gaussian")]
    [InlineData("log_normal_")]
    [InlineData("")]
    public void RejectsAnythingElseListingTheChoices(string text)
    {
        var error = Assert.Throws<ArgumentException>(() => TimeDistParser.Parse(text));
        Assert.Contains($"'{text}'", error.Message);
        foreach (var choice in new[] { "uniform", "lognormal", "logit_normal", "logitnormal" })
            Assert.Contains(choice, error.Message);
    }
}

/// <summary>
/// Moments of the training-time distributions from one million seeded draws, against closed forms. Each
/// tolerance is five standard errors of the estimator (SE of a mean σ/√N; of a variance √((μ₄ − σ⁴)/N)).
/// </summary>
public class TimeDistributionMomentTests
{
    const int N = 1_000_000;

    static double[] Draw(TimeDist dist, double mu, double sigma, long seed = 7)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed, CPU);
        return TensorAssert.Values(TimeDistributions.Sample(dist, [N], mu, sigma, generator, CPU, ScalarType.Float64));
    }

    static (double Mean, double Variance) Moments(IReadOnlyList<double> xs)
    {
        double mean = xs.Average();
        double variance = xs.Sum(x => (x - mean) * (x - mean)) / (xs.Count - 1);
        return (mean, variance);
    }

    [Fact]
    public void UniformHasMeanOneHalfAndVarianceOneTwelfth()
    {
        var (mean, variance) = Moments(Draw(TimeDist.Uniform, 0, 1));
        double sigma2 = 1.0 / 12, mu4 = 1.0 / 80;
        TensorAssert.Close(0.5, mean, 5 * Math.Sqrt(sigma2 / N), "mean");
        TensorAssert.Close(sigma2, variance, 5 * Math.Sqrt((mu4 - sigma2 * sigma2) / N), "variance");
    }

    [Theory]
    [InlineData(0.0, 0.5)]
    [InlineData(-1.2, 0.6)]
    public void LogNormalMatchesItsClosedFormMoments(double mu, double sigma)
    {
        var (mean, variance) = Moments(Draw(TimeDist.LogNormal, mu, sigma));
        double s2 = sigma * sigma;
        double expectedMean = Math.Exp(mu + s2 / 2);
        double expectedVariance = (Math.Exp(s2) - 1) * Math.Exp(2 * mu + s2);
        // Raw moments E[X^k] = exp(kμ + k²σ²/2) give the fourth central moment for the variance's SE.
        double M(int k) => Math.Exp(k * mu + k * k * s2 / 2);
        double mu4 = M(4) - 4 * M(3) * M(1) + 6 * M(2) * M(1) * M(1) - 3 * Math.Pow(M(1), 4);
        TensorAssert.Close(expectedMean, mean, 5 * Math.Sqrt(expectedVariance / N), "mean");
        TensorAssert.Close(expectedVariance, variance, 5 * Math.Sqrt((mu4 - expectedVariance * expectedVariance) / N), "variance");
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(-0.4, 1.3)]
    public void LogitNormalHasAGaussianLogitAndItsClosedFormCdf(double mu, double sigma)
    {
        var draws = Draw(TimeDist.LogitNormal, mu, sigma);
        Assert.All(draws, t => Assert.InRange(t, 0.0, 1.0));
        var (mean, variance) = Moments(draws.Select(t => Math.Log(t / (1 - t))).ToArray());
        TensorAssert.Close(mu, mean, 5 * sigma / Math.Sqrt(N), "mean of logit(t)");
        TensorAssert.Close(sigma * sigma, variance, 5 * sigma * sigma * Math.Sqrt(2.0 / N), "variance of logit(t)");

        // P(t ≤ a) = Φ((logit(a) − μ)/σ); an empirical CDF has SE √(p(1 − p)/N) ≤ 0.0005.
        foreach (var a in new[] { 0.1, 0.3, 0.5, 0.8, 0.95 })
        {
            double expected = ClosedForm.NormalCdf((Math.Log(a / (1 - a)) - mu) / sigma);
            double empirical = draws.Count(t => t <= a) / (double)N;
            TensorAssert.Close(expected, empirical, 5 * Math.Sqrt(expected * (1 - expected) / N) + 1e-9, $"CDF at {a}");
        }
    }
}
