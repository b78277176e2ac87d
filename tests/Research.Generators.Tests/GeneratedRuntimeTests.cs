using Research.Framework.Experiments;
using Research.Framework.Sweeps;
using Research.Framework.Training;
using Xunit;

namespace Research.Generators.Tests;

/// <summary>The framework runtime the generated code calls: the sweep markers and the well-known settings.</summary>
public class GeneratedRuntimeTests
{
    sealed record Config(double Rate, int Batch, string Name);

    static readonly SweepMarkers<Config> Markers = new(
    [
        new GridMarker<Config, double>("Rate", [0.1, 0.2], static (c, v) => c with { Rate = v }),
        new RangeMarker<Config>("Decay", 0.9, 0.99, Log: true, Integer: false),
        new GridMarker<Config, int>("Batch", [8, 16, 32], static (c, v) => c with { Batch = v }),
        new RangeMarker<Config>("Width", 4, 64, Log: false, Integer: true),
    ]);

    [Fact]
    public void TheGridIsTheTypedProductWithTheLastAxisFastestAndRangesAtTheirDefaults()
    {
        var grid = Markers.Grid(new Config(1.0, 1, "d"));
        Assert.Equal(6, grid.Count);
        Assert.Equal([(0.1, 8), (0.1, 16), (0.1, 32), (0.2, 8), (0.2, 16), (0.2, 32)], grid.Select(c => (c.Rate, c.Batch)));
        Assert.All(grid, c => Assert.Equal("d", c.Name));
        Assert.Equal([new Config(1.0, 1, "d")], new SweepMarkers<Config>([]).Grid(new Config(1.0, 1, "d")));
    }

    [Fact]
    public void TheLinesAndTheSpaceComeFromTheSameMarkers()
    {
        Assert.Equal(["Rate in {0.1, 0.2}", "Decay in [0.9, 0.99] (log)", "Batch in {8, 16, 32}", "Width in [4, 64]"], Markers.Lines);
        var space = Markers.Space.Parameters.ToDictionary(p => p.Key, p => p.Distribution);
        Assert.Equal(["0.1", "0.2"], Assert.IsType<Categorical>(space["Rate"]).Values);
        Assert.Equal(new LogUniformValues(0.9, 0.99), space["Decay"]);
        Assert.Equal(["8", "16", "32"], Assert.IsType<Categorical>(space["Batch"]).Values);
        Assert.Equal(new IntUniform(4, 64), space["Width"]);
        Assert.Equal(new QLogUniformValues(1, 100, 1), new RangeMarker<Config>("N", 1, 100, Log: true, Integer: true).Distribution);
    }

    [Fact]
    public void WellKnownSettingsChangeOnlyWhatTheyGive()
    {
        var plan = new ExperimentPlan { Name = "p", Model = null!, Sampler = null!, Dataset = null!, Trainer = new TrainerOptions() };
        Assert.Equal(plan, ExperimentConventions.Apply(new WellKnownSettings(), plan));
        var applied = ExperimentConventions.Apply(new WellKnownSettings { BatchSize = 64, SampleCount = 10, GuidanceScale = 2 }, plan);
        Assert.Equal((64, 10, 2.0, plan.PreviewCount, plan.Seed), (applied.BatchSize, applied.FinalSampleCount, applied.GuidanceScale, applied.PreviewCount, applied.Seed));
        Assert.Throws<OverflowException>(() => ExperimentConventions.Apply(new WellKnownSettings { BatchSize = long.MaxValue }, plan));
    }

    [Fact]
    public void TheTrainerTakesStepsRateAndEmaFromTheWellKnownSettings()
    {
        var defaults = ExperimentConventions.Trainer(new WellKnownSettings());
        Assert.Equal(new TrainerOptions().Steps, defaults.Steps);
        Assert.Equal(new OptimizerSettings().LearningRate, defaults.Optimizer.LearningRate);
        var trainer = ExperimentConventions.Trainer(new WellKnownSettings { TrainSteps = 400, LearningRate = 3e-3, EmaDecay = 0.99 }, new OptimizerSettings { WeightDecay = 0.01 });
        Assert.Equal((400L, 100L, 3e-3, 0.01), (trainer.Steps, trainer.CheckpointEvery, trainer.Optimizer.LearningRate, trainer.Optimizer.WeightDecay));
        Assert.Equal(0.99, Assert.Single(trainer.Ema).Decay);
    }
}
