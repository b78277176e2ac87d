using Research.Framework.Experiments;

namespace Research.Framework.Sweeps;

/// <summary>
/// The one place where a sweep's search is chosen (space, strategy, pruner, enqueued trials), for the command that
/// starts a sweep and for every worker, which resolve it the same way from the same arguments.
/// </summary>
public static class SweepSearches
{
    /// <summary>
    /// The search of <paramref name="experiment"/>'s sweep. With no sweep file it is the grid product of the class's
    /// <see cref="SweepAttribute"/> values (<see cref="IExperiment.SweepPlan"/>), enqueued once when the sweep is
    /// created: each trial sets every swept key. A W&amp;B sweep file (<paramref name="sweepFile"/>) is read by the
    /// search side's reader, which plugs in here with its strategies and pruners.
    /// </summary>
    public static SweepSearch Resolve(IExperiment experiment, string? sweepFile)
    {
        if (sweepFile is not null)
            throw new UsageException($"--file {sweepFile}: this build has no W&B sweep-file reader connected; sweep {experiment.Name}'s [Sweep] grid without --file.");
        var plan = experiment.SweepPlan();
        var defaults = Overrides.Defaults(experiment);
        var grid = plan.Select(configuration => configuration.Settings.ToDictionary(s => s.Key, s => s.Current())).ToList();
        var swept = defaults.Keys.Where(key => grid.Any(values => values[key] != defaults[key])).ToList();
        var trials = grid.Select(values => (IReadOnlyDictionary<string, string>)swept.ToDictionary(key => key, key => values[key])).ToList();
        var space = new SearchSpace([.. swept.Select(key => new SweepParameter(key, new Categorical([.. trials.Select(t => t[key]).Distinct()])))]);
        return new SweepSearch(space, Strategy: null, Pruner: null, trials, Spec: string.Join("\n", experiment.SweepAxes));
    }
}
