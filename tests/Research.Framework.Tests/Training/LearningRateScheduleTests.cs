using Research.Framework.Training;
using Xunit;

namespace Research.Framework.Tests.Training;

public class LearningRateScheduleTests
{
    [Fact]
    public void ConstantIsThePeak() => Assert.Equal(3e-4, new ConstantSchedule().At(12345, 3e-4));

    [Fact]
    public void LinearWarmupRampsToThePeakThenHolds()
    {
        var schedule = new LinearWarmupSchedule(4);
        Assert.Equal(new[] { 0.25, 0.5, 0.75, 1.0, 1.0 }, Enumerable.Range(0, 5).Select(s => schedule.At(s, 1.0)));
    }

    [Fact]
    public void CosineFollowsItsClosedForm()
    {
        var schedule = new CosineSchedule(warmupSteps: 10, totalSteps: 110, minRatio: 0.1);
        Assert.Equal(0.1, schedule.At(0, 1.0), 12);            // warmup (0 + 1)/10
        Assert.Equal(1.0, schedule.At(10, 1.0), 12);           // cos(0)
        Assert.Equal(0.1 + 0.9 * 0.5, schedule.At(60, 1.0), 12); // half way: cos(π/2) = 0
        Assert.Equal(0.1, schedule.At(110, 1.0), 12);          // cos(π)
        Assert.Equal(0.1, schedule.At(500, 1.0), 12);          // stays at the floor
    }

    [Fact]
    public void ParsingNamesTheChoices()
    {
        Assert.IsType<CosineSchedule>(LearningRateSchedule.Parse("Cosine", 1, 10));
        Assert.IsType<LinearWarmupSchedule>(LearningRateSchedule.Parse("linear-warmup", 5));
        var error = Assert.Throws<ArgumentException>(() => LearningRateSchedule.Parse("step"));
        Assert.Contains("'constant', 'linear_warmup', 'cosine'", error.Message);
    }
}
