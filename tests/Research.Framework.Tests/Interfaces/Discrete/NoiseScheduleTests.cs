using Research.Framework.Interfaces.Discrete;
using Research.Framework.Tests.TestSupport;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Interfaces.Discrete;

/// <summary>ᾱ of both schedules against values computed by hand from the papers' definitions, and the path built on them.</summary>
public class NoiseScheduleTests
{
    /// <summary>
    /// Ho et al.: β_i = 1e-4 + (0.02 − 1e-4)·(i − 1)/999. So ᾱ_1 = 1 − 1e-4, ᾱ_2 = ᾱ_1·(1 − (1e-4 + 0.0199/999)), and ᾱ_1000 ≈ 4.0358e-5
    /// (the value quoted for this schedule; computed here once in double precision from the product).
    /// </summary>
    [Fact]
    public void LinearScheduleMatchesHoEtAl()
    {
        var schedule = NoiseSchedule.Create(BetaSchedule.Linear, 1000);
        Assert.Equal(1000, schedule.Steps);
        Assert.Equal(1.0, schedule.AlphaBars[0]);
        TensorAssert.Close(0.9999, schedule.AlphaBars[1], 1e-15, "ᾱ_1");
        TensorAssert.Close(0.9999 * (1 - (1e-4 + 0.0199 / 999)), schedule.AlphaBars[2], 1e-15, "ᾱ_2");
        TensorAssert.Close(4.0358297653756754e-05, schedule.AlphaBars[1000], 1e-12, "ᾱ_1000");
        TensorAssert.Close(0.02, schedule.Betas[999], 1e-15, "β_1000");
    }

    /// <summary>The linear schedule for T ≠ 1000 scales both ends by 1000/T (Nichol and Dhariwal's code): T = 100 gives β from 1e-3 to 0.2.</summary>
    [Fact]
    public void LinearScheduleScalesWithT()
    {
        var schedule = NoiseSchedule.Create(BetaSchedule.Linear, 100);
        TensorAssert.Close(1e-3, schedule.Betas[0], 1e-15, "β_1");
        TensorAssert.Close(0.2, schedule.Betas[99], 1e-15, "β_100");
    }

    /// <summary>
    /// Nichol and Dhariwal: ᾱ_i = f(i)/f(0) with f(i) = cos²((i/T + 0.008)/1.008·π/2) wherever β is not clipped (the product
    /// telescopes), and the last β is clipped to 0.999, so ᾱ_T = 0.001·ᾱ_{T−1}.
    /// </summary>
    [Fact]
    public void CosineScheduleMatchesNicholAndDhariwal()
    {
        var schedule = NoiseSchedule.Create(BetaSchedule.Cosine, 1000);
        static double F(int i) => Math.Pow(Math.Cos((i / 1000.0 + 0.008) / 1.008 * Math.PI / 2), 2);
        foreach (int i in new[] { 1, 250, 500, 750, 999 })
            TensorAssert.Close(F(i) / F(0), schedule.AlphaBars[i], 1e-12 * Math.Max(1e-3, F(i) / F(0)) + 1e-15, $"ᾱ_{i}");
        TensorAssert.Close(0.49384359044063775, schedule.AlphaBars[500], 1e-12, "ᾱ_500 (hand value)");
        Assert.Equal(0.999, schedule.Betas[999]);
        TensorAssert.Close(0.001 * schedule.AlphaBars[999], schedule.AlphaBars[1000], 1e-20, "ᾱ_1000");
    }

    /// <summary>At t = i/T the path is exactly (√ᾱ_i, √(1 − ᾱ_i)); between steps its derivatives are those of its values.</summary>
    [Theory]
    [InlineData(BetaSchedule.Linear)]
    [InlineData(BetaSchedule.Cosine)]
    public void ThePathHitsTheStepsAndDifferentiatesItsValues(BetaSchedule kind)
    {
        using var scope = NewDisposeScope();
        var schedule = NoiseSchedule.Create(kind, 1000);
        var path = new SchedulePath(schedule);
        var steps = new[] { 0, 1, 17, 500, 999, 1000 };
        var t = tensor(steps.Select(i => i / 1000.0).ToArray());
        TensorAssert.Close(tensor(steps.Select(i => Math.Sqrt(schedule.AlphaBars[i])).ToArray()), path.Alpha(t), 1e-12);
        TensorAssert.Close(tensor(steps.Select(i => Math.Sqrt(1 - schedule.AlphaBars[i])).ToArray()), path.Sigma(t), 1e-12);

        var inside = tensor(new[] { 0.0173, 0.4321, 0.9004 });
        const double h = 1e-7; // all three stay inside one interval of width 1e-3
        TensorAssert.Close((path.Alpha(inside + h) - path.Alpha(inside - h)) / (2 * h), path.AlphaDerivative(inside), 1e-6, 1e-6);
        TensorAssert.Close((path.Sigma(inside + h) - path.Sigma(inside - h)) / (2 * h), path.SigmaDerivative(inside), 1e-6, 1e-6);
    }

    [Fact]
    public void BadStepCountsAreRefusedWithTheRule()
    {
        Assert.Contains("at least 2", Assert.Throws<ArgumentOutOfRangeException>(() => NoiseSchedule.Create(BetaSchedule.Cosine, 1)).Message);
        Assert.Contains("cosine", Assert.Throws<ArgumentOutOfRangeException>(() => NoiseSchedule.Create(BetaSchedule.Linear, 20)).Message);
    }
}
