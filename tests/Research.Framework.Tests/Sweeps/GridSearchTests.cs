using Research.Framework.Sweeps;
using Xunit;

namespace Research.Framework.Tests.Sweeps;

/// <summary>The grid against enumerations written out by hand.</summary>
public class GridSearchTests
{
    static readonly SearchSpace Space = new(
    [
        new("Sampler", new Categorical(["Heun", "Euler"])),
        new("Steps", new IntUniform(1, 3)),
        new("Seed", new Constant("7")),
        new("Warmup", new QUniform(0, 1, 0.25)),
    ]);

    static TrialRecord Trial(int number, TrialState state, IReadOnlyDictionary<string, string> parameters) =>
        new(number, number, state, parameters, null, []);

    [Fact]
    public void Enumerates_the_product_once_in_odometer_order_then_is_exhausted()
    {
        // 2 samplers × 3 step counts × 1 seed × 4 warmups (arange(0, 1, 0.25) = 0, 0.25, 0.5, 0.75: max excluded) = 24.
        Assert.Equal(24, GridSearch.Size(Space));
        var grid = new GridSearch();
        var trials = new List<TrialRecord>();
        for (int i = 0; i < 24; i++)
        {
            var next = grid.Suggest(Space, trials, new Random(i))!;
            Assert.NotNull(next);
            trials.Add(Trial(i, TrialState.Complete, next));
        }
        Assert.Null(grid.Suggest(Space, trials, new Random(99)));
        Assert.Equal(24, trials.Select(t => string.Join(",", t.Parameters.OrderBy(p => p.Key).Select(p => p.Value))).Distinct().Count());
        // The last parameter turns fastest.
        Assert.Equal(new Dictionary<string, string> { ["Sampler"] = "Heun", ["Steps"] = "1", ["Seed"] = "7", ["Warmup"] = "0" }, trials[0].Parameters);
        Assert.Equal(new Dictionary<string, string> { ["Sampler"] = "Heun", ["Steps"] = "1", ["Seed"] = "7", ["Warmup"] = "0.25" }, trials[1].Parameters);
        Assert.Equal(new Dictionary<string, string> { ["Sampler"] = "Heun", ["Steps"] = "2", ["Seed"] = "7", ["Warmup"] = "0" }, trials[4].Parameters);
        Assert.Equal(new Dictionary<string, string> { ["Sampler"] = "Euler", ["Steps"] = "3", ["Seed"] = "7", ["Warmup"] = "0.75" }, trials[23].Parameters);
    }

    [Fact]
    public void Skips_combinations_of_trials_in_any_state_compared_by_canonical_value()
    {
        // Written as 1.0, 7.0 and 0e0, the first combination was used by a failed trial; the second by a running
        // one; the third is waiting. The grid goes on with the fourth.
        var trials = new List<TrialRecord>
        {
            Trial(0, TrialState.Failed, new Dictionary<string, string> { ["Sampler"] = "Heun", ["Steps"] = "1.0", ["Seed"] = "7.0", ["Warmup"] = "0e0" }),
            Trial(1, TrialState.Running, new Dictionary<string, string> { ["Sampler"] = "Heun", ["Steps"] = "1", ["Seed"] = "7", ["Warmup"] = "2.5e-1" }),
            Trial(2, TrialState.Waiting, new Dictionary<string, string> { ["Sampler"] = "Heun", ["Steps"] = "1", ["Seed"] = "7", ["Warmup"] = "0.50" }),
            // Lacks a key: it uses no combination.
            Trial(3, TrialState.Complete, new Dictionary<string, string> { ["Sampler"] = "Heun", ["Steps"] = "1" }),
        };
        var next = new GridSearch().Suggest(Space, trials, new Random(0))!;
        Assert.Equal("0.75", next["Warmup"]);
        Assert.Equal("1", next["Steps"]);
    }

    [Fact]
    public void Q_uniform_grid_values_carry_no_binary_noise() =>
        // numpy.arange(0, 0.3, 0.1) has ceil(0.3/0.1) = 3 elements.
        Assert.Equal(["0", "0.1", "0.2"], new QUniform(0, 0.3, 0.1).GridValues!);

    [Fact]
    public void Rejects_laws_a_grid_cannot_enumerate()
    {
        var space = new SearchSpace([new("Steps", new IntUniform(1, 3)), new("LearningRate", new LogUniformValues(1e-5, 1e-3))]);
        var error = Assert.Throws<ArgumentException>(() => new GridSearch().Suggest(space, [], new Random(0)));
        Assert.Contains("LearningRate", error.Message);
        Assert.Contains("int_uniform and q_uniform", error.Message);
        Assert.NotNull(GridSearch.Unenumerable(new SearchSpace([new("Ema", new Categorical(["0.9", "0.99"], [0.5, 0.5]))])));
    }
}
