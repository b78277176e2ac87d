using Research.Framework.Interfaces;
using Research.Framework.Samplers;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Samplers;

public class TimeGridTests
{
    [Fact]
    public void UniformGridIsLinspaceThenShifted()
    {
        using var scope = NewDisposeScope();
        TensorAssert.Close(tensor(new[] { 1.0, 0.75, 0.5, 0.25, 0.0 }), new UniformGrid().Build(4), 1e-15);
        // s = sqrt(4·4096/4096) = 2: t' = 2t/(1 + t).
        var shifted = new UniformGrid(shiftCur: 4 * 4096).Build(4);
        TensorAssert.Close(tensor(new[] { 1.0, 1.5 / 1.75, 1.0 / 1.5, 0.5 / 1.25, 0.0 }), shifted, 1e-15);
        Assert.Equal(ScalarType.Float32, new UniformGrid().Build(3, dtype: ScalarType.Float32).dtype);
    }

    /// <summary>Karras et al. eq. 5: the first point is sigma_max, the last non-zero one sigma_min, then 0; ρ = 1 is linear.</summary>
    [Fact]
    public void KarrasGridRunsFromSigmaMaxToSigmaMinThenZero()
    {
        using var scope = NewDisposeScope();
        var grid = TensorAssert.Values(new KarrasGrid().Build(18));
        Assert.Equal(19, grid.Length);
        Assert.Equal(80, grid[0], 10);
        Assert.Equal(0.002, grid[17], 12);
        Assert.Equal(0, grid[18]);
        TensorAssert.Close(tensor(new[] { 3.0, 2.0, 1.0, 0.0 }), new KarrasGrid(1, 3, 1).Build(3), 1e-14);
        TensorAssert.Close(tensor(new[] { 80.0, 0.0 }), new KarrasGrid().Build(1), 0);
    }

    [Theory]
    [InlineData("uniform", typeof(UniformGrid))]
    [InlineData("KARRAS", typeof(KarrasGrid))]
    [InlineData(" Exp ", typeof(KarrasGrid))]
    public void ParsesTheReferenceNamesInAnyCase(string text, Type expected) => Assert.IsType(expected, TimeGrid.Parse(text));

    [Fact]
    public void UnknownGridNamesListTheChoices()
    {
        var error = Assert.Throws<ArgumentException>(() => TimeGrid.Parse("cosine"));
        Assert.Contains("'uniform'", error.Message);
        Assert.Contains("'karras'", error.Message);
        Assert.Contains("'exp'", error.Message);
    }

    [Fact]
    public void SamplersExposeTheirGridAndDefaults()
    {
        using var scope = NewDisposeScope();
        TensorAssert.Close(new UniformGrid().Build(8), new Heun(8).TimeGrid(8), 0);
        TensorAssert.Close(new KarrasGrid().Build(8), new EdmStochastic(8).TimeGrid(8), 0);
        TensorAssert.Close(new KarrasGrid().Build(8), new DpmSolverPlusPlus2M(8, view: DpmSolverView.Edm).TimeGrid(8), 0);
    }

    /// <summary>
    /// Sample scales unit noise by σ at the first grid point: one Euler step of a zero field returns σ(t₀)·x. On SiT the
    /// Karras grid's σ_max = 80 lands at t₀ = 80/81 (the noise-to-signal ratio t/(1 − t) = 80, GridOnPath), whose σ is
    /// t₀ itself (until the time-domain fix it integrated from t = 80 and returned 80·x, samples off the plot).
    /// </summary>
    [Fact]
    public void SampleScalesTheNoiseByTheFirstGridPoint()
    {
        using var scope = NewDisposeScope();
        var x = randn(3, float64);
        var model = Fields.SiT((input, t, c) => zeros_like(input));
        TensorAssert.Close(80.0 / 81 * x, new Euler(1, new KarrasGrid()).Sample(model, x), 1e-13);
        Assert.IsType<EdmInterface>(Fields.GaussianEdm(0, 1));
    }
}
