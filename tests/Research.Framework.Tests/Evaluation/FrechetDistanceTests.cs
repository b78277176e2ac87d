using Research.Framework.Evaluation;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Evaluation;

public class FrechetDistanceTests
{
    /// <summary>
    /// 2×2 covariances that do not commute. For a 2×2 matrix P with positive eigenvalues, tr sqrt(P) =
    /// sqrt(tr P + 2 sqrt(det P)) (from the Cayley–Hamilton form of the square root), so the closed form
    /// FD = |Δμ|² + tr Σ₁ + tr Σ₂ − 2 sqrt(tr(Σ₁Σ₂) + 2 sqrt(det Σ₁ det Σ₂)) is computed here in plain doubles.
    /// The test also checks that the wrong formula tr(sqrt Σ₁ sqrt Σ₂) would be off by more than 0.1, so it can tell.
    /// Tolerance 1e-9 (float64 eigendecompositions of 2×2 matrices).
    /// </summary>
    [Theory]
    [InlineData(2.0, 0.9, 0.5, 0.3, -0.4, 3.0, 1.0, -0.5)]
    [InlineData(1.0, 0.9, 1.0, 4.0, -1.5, 1.0, 0.0, 0.0)]
    [InlineData(5.0, 0.0, 0.1, 0.2, 0.0, 7.0, 2.0, 3.0)]
    public void NonCommutingTwoByTwoCovariancesMatchTheClosedForm(double a11, double a12, double a22, double b11, double b12, double b22, double dx, double dy)
    {
        using var scope = NewDisposeScope();
        double[,] s1 = { { a11, a12 }, { a12, a22 } }, s2 = { { b11, b12 }, { b12, b22 } };
        double trProduct = a11 * b11 + 2 * a12 * b12 + a22 * b22;
        double det1 = a11 * a22 - a12 * a12, det2 = b11 * b22 - b12 * b12;
        double expected = dx * dx + dy * dy + a11 + a22 + b11 + b22 - 2 * Math.Sqrt(trProduct + 2 * Math.Sqrt(det1 * det2));

        double actual = FrechetDistance.Compute(tensor(new[] { 0.0, 0.0 }), Matrix(s1), tensor(new[] { dx, dy }), Matrix(s2));

        TensorAssert.Close(expected, actual, 1e-9, "FD");
        bool commute = Math.Abs(a12 * b22 + a11 * b12 - (b11 * a12 + b12 * a22)) < 1e-12;
        if (!commute)
        {
            double naiveCross = (SqrtOf(s1).mm(SqrtOf(s2))).trace().item<double>();
            double naiveFd = dx * dx + dy * dy + a11 + a22 + b11 + b22 - 2 * naiveCross;
            Assert.True(Math.Abs(naiveFd - expected) > 0.1, $"the case must separate sqrt(Σ₁Σ₂) from sqrtΣ₁·sqrtΣ₂ ({naiveFd} vs {expected})");
        }
    }

    /// <summary>
    /// Σ₁ = R diag(a) Rᵀ and Σ₂ = R diag(b) Rᵀ share eigenvectors, so FD = |Δμ|² + Σ (√aᵢ − √bᵢ)² exactly, in 6-D
    /// with a random rotation R. Tolerance 1e-9.
    /// </summary>
    [Fact]
    public void RotatedDiagonalCovariancesMatchTheClosedForm()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3, CPU);
        var (q, _) = linalg.qr(randn([6, 6], ScalarType.Float64, generator: generator));
        double[] a = [0.5, 1, 2, 3, 0.01, 7], b = [1, 1, 0.25, 5, 2, 0.3];
        var m1 = randn([6], ScalarType.Float64, generator: generator);
        var m2 = randn([6], ScalarType.Float64, generator: generator);
        double expected = (m1 - m2).square().sum().item<double>() + a.Zip(b).Sum(p => Math.Pow(Math.Sqrt(p.First) - Math.Sqrt(p.Second), 2));

        double actual = FrechetDistance.Compute(m1, q.mm(tensor(a).diag()).mm(q.t()), m2, q.mm(tensor(b).diag()).mm(q.t()));

        TensorAssert.Close(expected, actual, 1e-9, "FD");
    }

    /// <summary>Permuting the feature dimensions (the same permutation for both sets) leaves FD unchanged: relative 1e-10.</summary>
    [Fact]
    public void FeatureOrderDoesNotMatter()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(11, CPU);
        var x = randn([300, 8], ScalarType.Float64, generator: generator).mm(randn([8, 8], ScalarType.Float64, generator: generator));
        var y = randn([200, 8], ScalarType.Float64, generator: generator) * 1.5 + 0.3;
        var permutation = randperm(8, generator: generator);
        using var sx = FeatureStatistics.FromFeatures(x);
        using var sy = FeatureStatistics.FromFeatures(y);
        using var px = FeatureStatistics.FromFeatures(x.index_select(1, permutation));
        using var py = FeatureStatistics.FromFeatures(y.index_select(1, permutation));

        double original = FrechetDistance.Compute(sx, sy), permuted = FrechetDistance.Compute(px, py);

        Assert.True(original > 1);
        TensorAssert.Close(original, permuted, 1e-10 * original, "permuted FD");
    }

    /// <summary>
    /// Fewer samples (5) than dimensions (20) make both covariances singular; round-off then gives tiny negative
    /// eigenvalues, which the clamp must absorb: the result is finite and non-negative, and a set against itself is 0 (1e-9).
    /// </summary>
    [Fact]
    public void RankDeficientCovariancesGiveAFiniteNonNegativeDistance()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(2, CPU);
        using var a = FeatureStatistics.FromFeatures(randn([5, 20], ScalarType.Float64, generator: generator));
        using var b = FeatureStatistics.FromFeatures(randn([5, 20], ScalarType.Float64, generator: generator));

        double d = FrechetDistance.Compute(a, b);

        Assert.True(double.IsFinite(d) && d > 0, $"FD {d}");
        Assert.Equal(0.0, FrechetDistance.Compute(a, a), 9);
    }

    private static Tensor Matrix(double[,] m) => tensor(new[] { m[0, 0], m[0, 1], m[1, 0], m[1, 1] }, [2, 2], ScalarType.Float64);

    /// <summary>The analytic 2×2 square root (A + sqrt(det A) I) / sqrt(tr A + 2 sqrt(det A)).</summary>
    private static Tensor SqrtOf(double[,] m)
    {
        double s = Math.Sqrt(m[0, 0] * m[1, 1] - m[0, 1] * m[1, 0]);
        double t = Math.Sqrt(m[0, 0] + m[1, 1] + 2 * s);
        return (Matrix(m) + eye(2, dtype: ScalarType.Float64) * s) / t;
    }
}
