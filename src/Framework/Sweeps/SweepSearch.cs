namespace Research.Framework.Sweeps;

/// <summary>
/// What the search side hands execution for one sweep: the space, how new trials are proposed and pruned, the trials
/// to enqueue when the sweep is created, and the spec text recorded with it. <c>Runs.SweepSearches.Resolve</c>
/// builds it; workers only read it.
/// </summary>
/// <param name="Space">The parameters the sweep varies.</param>
/// <param name="Strategy">Proposes new trials from the trials so far; null when the sweep is only its enqueued trials.</param>
/// <param name="Pruner">Stops unpromising trials early from their intermediate values; null never prunes.</param>
/// <param name="Enqueued">Parameter sets enqueued (waiting) once, when the sweep is created (a grid from the experiment's [Sweep] values).</param>
/// <param name="Spec">The search specification as text (a sweep file's text, or the experiment's sweep markers), stored with the sweep.</param>
/// <param name="Objective">The objective the specification names, or null to take the command line's.</param>
/// <param name="TrialBudget">The specification's run cap, or null for none (the command line's <c>--trials</c> wins).</param>
public sealed record SweepSearch(
    SearchSpace Space,
    ISearchStrategy? Strategy,
    IPruner? Pruner,
    IReadOnlyList<IReadOnlyDictionary<string, string>> Enqueued,
    string Spec,
    SweepObjective? Objective = null,
    int? TrialBudget = null);
