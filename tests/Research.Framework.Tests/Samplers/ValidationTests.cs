using Research.Framework.Interfaces;
using Research.Framework.Samplers;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Samplers;

/// <summary>Wrong pairings, bad grids and bad step counts fail before any model call, with errors that say what to change.</summary>
public class ValidationTests
{
    [Fact]
    public void EulerJumpRefusesAModelWithoutTwoTimesNamingBothTypes()
    {
        var counter = new Counter();
        Sampler sampler = new EulerJump(4); // through the base type: checked at run time
        var error = Assert.Throws<ArgumentException>(() => sampler.Sample(Fields.SiT((x, t, c) => x, counter), ones(2, float64)));
        Assert.Contains("EulerJump", error.Message);
        Assert.Contains("ITwoTimeModel", error.Message);
        Assert.Contains("SiTInterface", error.Message);
        Assert.Equal(0, counter.Count);
    }

    /// <summary>An interface without a score (a test stub) is refused by Euler–Maruyama before any call.</summary>
    [Fact]
    public void EulerMaruyamaRefusesAModelWithoutAScore()
    {
        Sampler sampler = new EulerMaruyama(4, new UniformGrid(tStart: 0.999));
        var error = Assert.Throws<ArgumentException>(() => sampler.Sample(new NoScoreInterface(), ones(2, float64)));
        Assert.Contains("EulerMaruyama", error.Message);
        Assert.Contains("IHasScore", error.Message);
        Assert.Contains(nameof(NoScoreInterface), error.Message);
    }

    [Fact]
    public void EulerMaruyamaRejectsAnInfiniteCoefficientNamingThePointAndAFix()
    {
        var counter = new Counter();
        var error = Assert.Throws<ArgumentException>(() => new EulerMaruyama(10).Sample(Fields.SiT((x, t, c) => x, counter), ones(2, float64)));
        Assert.Contains("grid point 0", error.Message);
        Assert.Contains("UniformGrid(tStart: 0.999)", error.Message);
        Assert.Equal(0, counter.Count);
    }

    [Fact]
    public void EulerMaruyamaRejectsAScoreEvaluationAtTimeZero()
    {
        var sampler = new EulerMaruyama(3, coeff: DiffusionCoeff.Constant);
        var options = new SampleOptions { CustomGrid = tensor(new[] { 0.5, 0.0, -0.5 }) };
        var error = Assert.Throws<ArgumentException>(() => sampler.Sample(Fields.SiT((x, t, c) => x), ones(2, float64), options));
        Assert.Contains("grid point 1", error.Message);
    }

    /// <summary>
    /// Constant w = 1 on SiT (σ = t), 50 steps from 0.999: the factor w·|h|/(2t²) with |h| ≈ 0.02 first exceeds 1 at step
    /// 45 (t = 0.0999, factor 0.01998/(2·0.0999²) = 1.001); the error names the step and the coefficients that vanish with σ, before any call.
    /// </summary>
    [Fact]
    public void EulerMaruyamaRefusesAnExplicitStepFactorAboveOneNamingTheStepAndASaferCoefficient()
    {
        var counter = new Counter();
        var sampler = new EulerMaruyama(50, new UniformGrid(tStart: 0.999), DiffusionCoeff.Constant);
        var error = Assert.Throws<ArgumentException>(() => sampler.Sample(Fields.SiT((x, t, c) => x, counter), ones(2, float64)));
        Assert.True(error.Message.Contains("at step 45 (t = 0.0999, σ = 0.0999)"), error.Message);
        Assert.Contains("w·|h|/(2σ²)", error.Message);
        Assert.Contains("DiffusionCoeff.LinearKl", error.Message);
        Assert.Equal(0, counter.Count);
        Assert.Throws<ArgumentException>(() => new EulerMaruyama(8, new KarrasGrid(), DiffusionCoeff.Constant, norm: 0.5).Sample(Fields.GaussianEdm(0, 1), ones(2, float64)));
    }

    /// <summary>The default coefficient (LinearKl) and Linear on uniform grids from 0.999, and w = 2t², stay below the bound at any step count.</summary>
    [Theory]
    [InlineData(DiffusionCoeff.LinearKl, 2)]
    [InlineData(DiffusionCoeff.LinearKl, 20)]
    [InlineData(DiffusionCoeff.LinearKl, 250)]
    [InlineData(DiffusionCoeff.LinearKl, 1000)]
    [InlineData(DiffusionCoeff.Linear, 250)]
    public void EulerMaruyamaDefaultsPassTheStepFactorCheck(DiffusionCoeff coeff, int steps)
    {
        var model = Fields.SiT((x, t, c) => x);
        Assert.True(new EulerMaruyama(steps, new UniformGrid(tStart: 0.999), coeff).Sample(model, ones(2, float64)).isfinite().all().item<bool>());
        new EulerMaruyama(steps, new UniformGrid(tStart: 0.999), t => 2 * t.square()).Sample(model, ones(2, float64));
    }

    [Fact]
    public void ChurnNeedsAVarianceExplodingModel()
    {
        var error = Assert.Throws<ArgumentException>(() => new EdmStochastic(4, churn: 1).Sample(Fields.SiT((x, t, c) => x), ones(2, float64)));
        Assert.Contains("EdmInterface", error.Message);
        Assert.Contains("SiTInterface", error.Message);
    }

    [Fact]
    public void DpmSolverViewMustFitTheModel()
    {
        var error = Assert.Throws<ArgumentException>(() => new DpmSolverPlusPlus2M(4, view: DpmSolverView.Edm).Sample(Fields.SiT((x, t, c) => x), ones(2, float64)));
        Assert.Contains("DpmSolverView.Flow", error.Message);
    }

    [Fact]
    public void StepsMustBePositiveNamingTheSamplerAndTheValue()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Heun(0));
        Assert.Contains("Heun", error.Message);
        Assert.Contains("0", error.Message);
        var perCall = Assert.Throws<ArgumentOutOfRangeException>(() => new Euler(4).Sample(Fields.SiT((x, t, c) => x), ones(2, float64), new SampleOptions { Steps = -3 }));
        Assert.Contains("Euler", perCall.Message);
        Assert.Contains("-3", perCall.Message);
    }

    [Theory]
    [InlineData(new[] { 1.0, 0.5, 0.5, 0.0 }, "strictly monotone")]
    [InlineData(new[] { 1.0, 0.5, 0.7 }, "strictly monotone")]
    [InlineData(new[] { 1.0 }, "at least 2 points")]
    public void CustomGridMustBeStrictlyMonotone(double[] grid, string message)
    {
        var counter = new Counter();
        var error = Assert.Throws<ArgumentException>(() =>
            new Euler(4).Sample(Fields.SiT((x, t, c) => x, counter), ones(2, float64), new SampleOptions { CustomGrid = tensor(grid) }));
        Assert.Contains(message, error.Message);
        Assert.Equal(0, counter.Count);
    }

    /// <summary>Typed entry points: a MeanFlow model binds to the generic overload (a non-ITwoTimeModel does not compile).</summary>
    [Fact]
    public void TypedEntryPointsConstrainTheModelType()
    {
        Assert.True(typeof(CapabilitySampler<ITwoTimeModel>).IsAssignableFrom(typeof(EulerJump)));
        Assert.True(typeof(CapabilitySampler<IHasScore>).IsAssignableFrom(typeof(EulerMaruyama)));
        var method = typeof(EulerJump).GetMethods().Single(m => m.Name == "Sample" && m.IsGenericMethodDefinition);
        Assert.Contains(typeof(ITwoTimeModel), method.MakeGenericMethod(typeof(MeanFlowInterface)).GetParameters()[0].ParameterType.GetInterfaces());
        var obsolete = typeof(EulerJump).GetMethod("Sample", [typeof(Interface), typeof(Tensor), typeof(SampleOptions)])!
            .GetCustomAttributes(typeof(ObsoleteAttribute), false).Cast<ObsoleteAttribute>().Single();
        Assert.True(obsolete.IsError);
    }
}
