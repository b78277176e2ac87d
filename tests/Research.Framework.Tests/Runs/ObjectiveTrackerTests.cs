using Research.Framework.Runs;
using Xunit;

namespace Research.Framework.Tests.Runs;

public sealed class ObjectiveTrackerTests
{
    [Fact]
    public void TheObjectiveTrackerForwardsOnlyTheIntermediateObjective()
    {
        var reported = new List<(long, double)>();
        var tracker = new ObjectiveTracker(ObjectiveTracker.IntermediateOf("final/swd"), (step, value) => { reported.Add((step, value)); return false; });
        tracker.Log(new Dictionary<string, double> { ["loss"] = 1.0 }, 10);
        tracker.Log(new Dictionary<string, double> { ["eval/swd"] = 0.5, ["loss"] = 0.9 }, 20);
        tracker.Log(new Dictionary<string, double> { ["eval/swd"] = double.NaN }, 30);
        tracker.SetSummary("final/swd", 0.4);
        Assert.Equal("eval/swd", tracker.Metric);
        Assert.Equal([(20L, 0.5)], reported);
        Assert.Equal("loss", ObjectiveTracker.IntermediateOf("loss"));
        Assert.Equal("eval/fd_g1.5", ObjectiveTracker.IntermediateOf("final/fd_g1.5"));
    }
}
