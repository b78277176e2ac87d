namespace Research.Framework.Sweeps;

/// <summary>
/// A whole sweep: how trials are proposed, what they optimize, which settings vary, when trials stop early and how
/// many run. Read from a W&amp;B sweep file by <see cref="SweepFile"/> (and written back to W&amp;B JSON, so a trial
/// store can keep it as text), or built from an experiment's sweep attributes.
/// </summary>
/// <param name="Method">grid, random or bayes (TPE).</param>
/// <param name="Space">The parameters and their laws.</param>
public sealed record SweepSpec(SearchMethod Method, SearchSpace Space)
{
    /// <summary>The sweep's name (W&amp;B <c>name</c>).</summary>
    public string? Name { get; init; }

    /// <summary>Free text (W&amp;B <c>description</c>).</summary>
    public string? Description { get; init; }

    /// <summary>The metric and its goal (W&amp;B <c>metric</c>); required by bayes and by every pruner.</summary>
    public SweepObjective? Objective { get; init; }

    /// <summary>
    /// Early termination (W&amp;B <c>early_terminate</c>): <see cref="HyperbandPruner"/>, or this framework's
    /// <see cref="MedianPruner"/> and <see cref="SuccessiveHalvingPruner"/>; null for none.
    /// </summary>
    public IPruner? Pruner { get; init; }

    /// <summary>The most trials the sweep runs, over all workers (W&amp;B <c>run_cap</c>); null for no cap.</summary>
    public int? RunCap { get; init; }

    /// <summary>W&amp;B keys that were read but have no effect here (<c>program</c>, <c>command</c>, <c>metric.impute</c>...), for a warning.</summary>
    public IReadOnlyList<string> IgnoredKeys { get; init; } = [];

    /// <summary>What makes this spec unusable (a grid over a law it cannot enumerate, bayes without a metric...), or null.</summary>
    public string? Problem =>
        Space.Parameters.Select(p => p.Distribution.Problem is { } problem ? $"parameter {p.Key}: {problem}" : null).FirstOrDefault(p => p is not null)
        ?? (Space.Parameters.GroupBy(p => p.Key, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice
            ? $"parameter {twice.Key} is given more than once" : null)
        ?? (Method == SearchMethod.Grid ? GridSearch.Unenumerable(Space) : null)
        ?? (Method == SearchMethod.Bayes && Objective is null ? "method bayes needs a metric to optimize (metric: {name: ..., goal: minimize|maximize})" : null)
        ?? (Pruner is not null && Objective is null ? "early_terminate needs a metric (metric: {name: ..., goal: minimize|maximize})" : null)
        ?? (RunCap is <= 0 ? $"run_cap must be a positive integer (got {RunCap})" : null)
        ?? Pruner switch
        {
            HyperbandPruner hyperband => hyperband.Problem,
            MedianPruner median => median.Problem,
            SuccessiveHalvingPruner halving => halving.Problem,
            _ => null,
        };
}
