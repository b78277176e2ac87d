using Research.Framework.Runs;
using Research.Framework.Sweeps;
using Xunit;

namespace Research.Experiments.Tests;

/// <summary>The default grid sweep enqueues the product of the [Sweep] markers' values, as the typed plan does.</summary>
public sealed class GridTrialsTests
{
    [Fact]
    public void TheGridTrialsAreTheSweepPlanAsCommandLineText()
    {
        var experiment = Toy.SitCheckerboard.Definition.Instance;
        var search = SweepSearches.Resolve(experiment, sweepFile: null);
        var plan = Toy.SitCheckerboard.Definition.Sweep();
        Assert.Equal(plan.Count, search.Enqueued.Count);
        // Trial i sets what configuration i of the typed plan holds, in the same order (the last axis fastest).
        for (int i = 0; i < plan.Count; i++)
        {
            var settings = plan[i].Settings.ToDictionary(s => s.Key, s => s.Current());
            Assert.Equal(["BatchSize", "LearningRate"], search.Enqueued[i].Keys.Order());
            Assert.All(search.Enqueued[i], p => Assert.Equal(settings[p.Key], p.Value));
        }
        Assert.Equal(["BatchSize", "LearningRate"], search.Space.Parameters.Select(p => p.Key));
        Assert.Equal(["0.0001", "0.0003", "0.001"], Assert.IsType<Categorical>(search.Space.Parameters[1].Distribution).Values);
    }
}
