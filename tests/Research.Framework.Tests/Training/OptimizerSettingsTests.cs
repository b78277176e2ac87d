using Research.Framework.Training;
using Xunit;

namespace Research.Framework.Tests.Training;

public class OptimizerSettingsTests
{
    [Fact]
    public void DefaultsWarmUpLinearlyForMin200StepsAndCosineLeavesNinetyPercentToDecay()
    {
        Assert.Equal(200, Assert.IsType<LinearWarmupSchedule>(new OptimizerSettings().Build(4000).Schedule).WarmupSteps);
        Assert.Equal(50, Assert.IsType<LinearWarmupSchedule>(new OptimizerSettings().Build(50).Schedule).WarmupSteps);
        var cosine = Assert.IsType<CosineSchedule>(new OptimizerSettings { Schedule = ScheduleKind.Cosine }.Build(100).Schedule);
        Assert.Equal((10L, 100L), (cosine.WarmupSteps, cosine.TotalSteps));
        // Halfway through the decay the cosine is at half the peak (MinLearningRateRatio 0): step 10 + 45.
        Assert.Equal(0.5e-3, cosine.At(55, 1e-3), 12);
    }

    [Fact]
    public void EveryFieldReachesTheOptimizer()
    {
        var built = new OptimizerSettings { LearningRate = 3e-4, Beta1 = 0.8, Beta2 = 0.95, Eps = 1e-6, WeightDecay = 0.05, MaxGradNorm = 2, Schedule = ScheduleKind.Constant }.Build(10);
        Assert.Equal((3e-4, 0.8, 0.95, 1e-6, 0.05, 2.0), (built.LearningRate, built.Beta1, built.Beta2, built.Eps, built.WeightDecay, built.MaxGradNorm!.Value));
        Assert.IsType<ConstantSchedule>(built.Schedule);
    }

    [Theory]
    [InlineData(ScheduleKind.LinearWarmup, 100L)]
    [InlineData(ScheduleKind.Cosine, 150L)]
    [InlineData(ScheduleKind.Cosine, -1L)]
    public void AWarmupThatDoesNotEndBeforeTheRunIsRejectedByName(ScheduleKind schedule, long warmup)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new OptimizerSettings { Schedule = schedule, WarmupSteps = warmup }.Build(100));
        Assert.Contains("Optimizer.WarmupSteps must be in [0, 100)", error.Message);
        Assert.Contains("Training steps must be", Assert.Throws<ArgumentOutOfRangeException>(() => new OptimizerSettings().Build(0)).Message);
        Assert.Contains("Beta1", Assert.Throws<ArgumentOutOfRangeException>(() => new OptimizerSettings { Beta1 = 1 }.Build(10)).Message);
    }
}
