using Research.Framework.Tests.TestSupport;
using Research.Framework.Training;
using Research.Framework.Training.PostHocEma;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Training.PostHocEma;

public class PowerFunctionTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(6.94)]
    [InlineData(16.97)]
    [InlineData(500.0)]
    public void StdToExpInvertsTheClosedFormOfTheStd(double exp)
    {
        double std = PowerFunction.ExpToStd(exp);
        Assert.Equal(exp, PowerFunction.StdToExp(std), 8);
    }

    [Fact]
    public void EdmTwoStdsGiveTheirPublishedExponents()
    {
        // EDM2 (section 3.1): σ_rel 0.05 and 0.10 are γ ≈ 16.97 and 6.94; σ_rel = √((γ+1)/((γ+2)²(γ+3))).
        Assert.Equal(16.97, PowerFunction.StdToExp(0.05), 2);
        Assert.Equal(6.94, PowerFunction.StdToExp(0.10), 2);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => PowerFunction.StdToExp(0.3));
        Assert.Contains("0.2887", error.Message);
    }

    /// <summary>⟨p_a, p_b⟩ = (γa+1)(γb+1)·min(ta, tb)^(γa+γb+1) / ((γa+γb+1)·ta^(γa+1)·tb^(γb+1)), the integral done by hand.</summary>
    [Theory]
    [InlineData(100.0, 0.05, 100.0, 0.10)]
    [InlineData(40.0, 0.05, 100.0, 0.10)]
    [InlineData(100.0, 0.07, 40.0, 0.12)]
    [InlineData(7.0, 0.2, 9.0, 0.2)]
    public void CorrelationIsTheIntegralOfTheProductOfTwoProfiles(double aT, double aStd, double bT, double bStd)
    {
        double a = PowerFunction.StdToExp(aStd), b = PowerFunction.StdToExp(bStd);
        double expected = (a + 1) * (b + 1) * Math.Pow(Math.Min(aT, bT), a + b + 1) / ((a + b + 1) * Math.Pow(aT, a + 1) * Math.Pow(bT, b + 1));
        Assert.Equal(1, PowerFunction.Correlation(aT, aStd, bT, bStd) / expected, 10);
    }

    /// <summary>
    /// γ = 1 and weights w_t = t: after t updates the weight on step τ is (τ² − (τ−1)²)/t² = (2τ − 1)/t², so the average
    /// is Σ τ(2τ − 1)/t² = (t + 1)(4t − 1)/(6t); the first update forgets the start weights (β₁ = 0).
    /// </summary>
    [Fact]
    public void ThePowerFunctionUpdateAveragesWithTheClosedFormWeights()
    {
        using var scope = NewDisposeScope();
        var module = nn.Linear(1, 1, hasBias: false, dtype: ScalarType.Float64);
        using (no_grad()) module.weight!.fill_(-1000);
        using var track = new EmaTrack(module, new EmaOptions { PowerStd = PowerFunction.ExpToStd(1) });
        Assert.Equal("phema_" + PowerFunction.ExpToStd(1).ToString(System.Globalization.CultureInfo.InvariantCulture), track.Options.TrackName);
        for (int t = 1; t <= 50; t++)
        {
            using (no_grad()) module.weight!.fill_(t);
            track.Update(module);
            double expected = (t + 1.0) * (4.0 * t - 1) / (6.0 * t);
            Assert.Equal(expected, TensorAssert.Scalar(track["weight"]), 9);
        }
    }

    [Fact]
    public void CoefficientsOfAStoredProfileAreItsUnitVector()
    {
        var stored = new List<(double, double)>();
        for (int t = 10; t <= 100; t += 10) { stored.Add((t, 0.05)); stored.Add((t, 0.10)); }
        var x = PowerFunction.SolveCoefficients(stored, [(100, 0.10), (60, 0.05)]);
        for (int i = 0; i < stored.Count; i++)
        {
            Assert.Equal(i == stored.IndexOf((100, 0.10)) ? 1 : 0, x[i, 0], 6);
            Assert.Equal(i == stored.IndexOf((60, 0.05)) ? 1 : 0, x[i, 1], 6);
        }
    }
}
