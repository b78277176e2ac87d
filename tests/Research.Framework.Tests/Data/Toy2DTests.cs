using Research.Framework.Data;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Data;

/// <summary>
/// Moments from n = 200,000 draws: the standard error of a mean is ≤ 1/√n ≈ 0.0022 and of a variance ≤ ~0.005
/// for these bounded-kurtosis sets; we allow 0.01 for means and 0.02 for variances (≥ 4 standard errors).
/// </summary>
public class Toy2DTests
{
    const int N = 200_000;

    public static TheoryData<string> Names => new() { "checkerboard", "eight_gaussians", "two_moons", "spirals" };

    static Toy2D Make(string name) => name switch
    {
        "checkerboard" => new Checkerboard2D(),
        "eight_gaussians" => new EightGaussians(),
        "two_moons" => new TwoMoons(),
        "spirals" => new Spirals(),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void EachCoordinateHasMeanZeroAndVarianceOne(string name)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(1);
        var batch = Make(name).Sample(N, generator);
        Assert.Equal(new long[] { N, 2 }, batch.X.shape);
        Assert.Equal(ScalarType.Float64, batch.X.dtype);
        var mean = TensorAssert.Values(batch.X.mean([0]));
        var variance = TensorAssert.Values(batch.X.var(0));
        for (int i = 0; i < 2; i++)
        {
            TensorAssert.Close(0, mean[i], 0.01, $"{name} mean[{i}]");
            TensorAssert.Close(1, variance[i], 0.02, $"{name} variance[{i}]");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void DrawsDependOnlyOnTheGeneratorSeed(string name)
    {
        using var scope = NewDisposeScope();
        double[] Draw(ulong seed, int global)
        {
            manual_seed(global);
            using var generator = new Generator(seed);
            return TensorAssert.Values(Make(name).Sample(64, generator).X);
        }
        Assert.Equal(Draw(3, 1), Draw(3, 2));
        Assert.NotEqual(Draw(3, 1), Draw(4, 1));
    }

    [Fact]
    public void CheckerboardPointsLieInTheirEvenSquares()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(2);
        var batch = new Checkerboard2D().Sample(20_000, generator);
        var cell = floor(batch.X / Checkerboard2D.Side).to_type(ScalarType.Int64) + 2; // column, row in 0…3
        var column = cell[.., 0];
        var row = cell[.., 1];
        Assert.Equal(0.0, TensorAssert.Scalar((column + row).remainder(2).sum()));
        Assert.True(TensorAssert.Scalar(cell.min()) >= 0 && TensorAssert.Scalar(cell.max()) <= 3);
        TensorAssert.Close(column * 2 + row.div(2, rounding_mode: RoundingMode.floor), batch.Labels!, 0);
        // All 8 squares are used, each about 1/8 of the time (sd of a count ≈ 47; 5 sd allowed).
        var counts = TensorAssert.Values(bincount(batch.Labels!, minlength: 8));
        Assert.All(counts, c => TensorAssert.Close(2500, c, 235, "points per square"));
    }

    [Fact]
    public void EightGaussiansHaveTheirMeansOnTheEightDirections()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var set = new EightGaussians();
        var batch = set.Sample(80_000, generator);
        for (int k = 0; k < 8; k++)
        {
            var points = batch.X.index_select(0, nonzero(batch.Labels!.eq(k)).flatten());
            var mean = TensorAssert.Values(points.mean([0]));
            // ~10,000 points of sd 0.2: the standard error of a mean is 0.002; we allow 0.01.
            TensorAssert.Close(set.Radius * Math.Cos(k * Math.PI / 4), mean[0], 0.01, $"mean x of component {k}");
            TensorAssert.Close(set.Radius * Math.Sin(k * Math.PI / 4), mean[1], 0.01, $"mean y of component {k}");
            TensorAssert.Close(set.Std, TensorAssert.Scalar((points - points.mean([0])).std()), 0.01, $"sd of component {k}");
        }
    }

    [Fact]
    public void TwoMoonsPointsLieOnTheirArcs()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(4);
        var set = new TwoMoons(noise: 0.01);
        var batch = set.Sample(20_000, generator);
        var (mx, my) = TwoMoons.RawMean;
        var (sx, sy) = set.RawStd;
        var raw = batch.X * tensor(new[] { sx, sy }) + tensor(new[] { mx, my });
        var moon = batch.Labels!.to_type(ScalarType.Float64);
        var center = stack([moon, moon * 0.5], 1);                    // (0, 0) and (1, 1/2)
        var radius = (raw - center).norm(1);
        TensorAssert.Close(1.0, TensorAssert.Scalar(radius.mean()), 0.002, "mean distance from the arc's centre");
        Assert.True(TensorAssert.Scalar((radius - 1).abs().max()) < 0.06, "a point is > 6σ off its arc");
        var side = (raw[.., 1] - center[.., 1]) * (1 - 2 * moon);         // upper half for moon 0, lower for moon 1
        Assert.True(TensorAssert.Scalar(side.min()) > -0.06);
    }

    [Fact]
    public void SpiralsArmsAreNegationsOfEachOther()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(5);
        var batch = new Spirals(noise: 0).Sample(20_000, generator);
        var (sx, sy) = new Spirals(noise: 0).RawStd;
        var raw = batch.X * tensor(new[] { sx, sy });
        var s = raw.norm(1);                                       // the radius is the angle parameter s
        var sign = (1 - 2 * batch.Labels!.to_type(ScalarType.Float64));
        TensorAssert.Close(raw[.., 0] * sign, -s * cos(s), 1e-9);
        TensorAssert.Close(raw[.., 1] * sign, s * sin(s), 1e-9);
        Assert.True(TensorAssert.Scalar(s.max()) <= 3 * Math.PI + 1e-12);
    }
}
