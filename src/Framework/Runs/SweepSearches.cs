using Research.Framework.Experiments;
using Research.Framework.Sweeps;

namespace Research.Framework.Runs;

/// <summary>
/// The one place where a sweep's search is chosen (space, strategy, pruner, enqueued trials), for the command that
/// starts a sweep and for every worker, which resolve it the same way from the same arguments.
/// </summary>
public static class SweepSearches
{
    /// <summary>
    /// The search of <paramref name="experiment"/>'s sweep:
    /// <list type="bullet">
    /// <item>a W&amp;B sweep file (<paramref name="sweepFile"/>): its method's strategy, its early_terminate pruner, its
    /// metric and run cap, over its parameters (checked against the experiment's settings);</item>
    /// <item>else <paramref name="method"/> random or bayes: that strategy over the class's sweep markers
    /// (<see cref="IExperiment.Space"/>: [Sweep] values and [SweepRange] ranges);</item>
    /// <item>else (grid, the default) the grid product of the [Sweep] values (the order of <see cref="IExperiment.SweepPlan"/>),
    /// enqueued once when the sweep is created, each trial setting every swept key; ranges keep their defaults.</item>
    /// </list>
    /// <paramref name="goal"/> is the objective's direction (TPE needs it); a sweep file's metric brings its own.
    /// </summary>
    public static SweepSearch Resolve(IExperiment experiment, string? sweepFile, SearchMethod? method = null, SweepGoal goal = SweepGoal.Minimize)
    {
        var defaults = Overrides.Defaults(experiment);
        if (sweepFile is not null)
        {
            if (method is not null) throw new InvalidSweepException("--method and --file both choose the search; the sweep file's method is used, so leave out --method.");
            var spec = SweepFile.Read(sweepFile);
            if (spec.Problem is { } problem) throw new InvalidSweepException($"{sweepFile}: {problem}.");
            spec = spec with { Space = spec.Space.Resolve(experiment.Name, [.. defaults.Keys]) };
            return new SweepSearch(spec.Space, SweepEngine.Strategy(spec), SweepEngine.Pruner(spec), [], SweepFile.ToJson(spec), spec.Objective, spec.RunCap);
        }
        if (method is SearchMethod.Random or SearchMethod.Bayes)
        {
            if (experiment.Space.Parameters.Count == 0)
                throw new InvalidSweepException($"--method {method.ToString()!.ToLowerInvariant()}: {experiment.Name} has no [Sweep] or [SweepRange] settings to search; give a sweep file with --file.");
            return new SweepSearch(experiment.Space, SweepEngine.Strategy(method.Value, goal), Pruner: null, [], string.Join("\n", experiment.SweepAxes));
        }
        // The grid product of the [Sweep] markers' values, each already the command-line text of its typed value (the
        // categorical parameters of IExperiment.Space), in the order of IExperiment.SweepPlan (the last axis fastest);
        // an axis whose values are all the default sets nothing.
        var axes = experiment.Space.Parameters.Where(p => p.Distribution is Categorical)
            .Select(p => (p.Key, Values: ((Categorical)p.Distribution).Values))
            .Where(axis => axis.Values.Any(value => value != defaults[axis.Key])).ToList();
        IEnumerable<IReadOnlyDictionary<string, string>> trials = [new Dictionary<string, string>()];
        foreach (var (key, values) in axes)
            trials = trials.SelectMany(trial => values.Select(value => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(trial) { [key] = value })).ToList();
        var swept = defaults.Keys.Where(key => axes.Any(axis => axis.Key == key));
        var space = new SearchSpace([.. swept.Select(key => new SweepParameter(key, new Categorical([.. axes.First(axis => axis.Key == key).Values.Distinct()])))]);
        return new SweepSearch(space, Strategy: null, Pruner: null, [.. trials], Spec: string.Join("\n", experiment.SweepAxes));
    }
}
