namespace Research.Framework.Sweeps;

/// <summary>A trial's intermediate values as the pruners read them.</summary>
static class Intermediates
{
    /// <summary>One value per step (the last one reported at a step wins, like Optuna's dictionary), by step.</summary>
    public static IReadOnlyList<(long Step, double Value)> ByStep(this TrialRecord trial) =>
        [.. trial.Intermediate.GroupBy(p => p.Step).Select(g => (g.Key, g.Last().Value)).OrderBy(p => p.Key)];

    /// <summary>The trials of the sweep with <paramref name="trial"/> itself in its newest form.</summary>
    public static IEnumerable<TrialRecord> WithNewest(this IReadOnlyList<TrialRecord> trials, TrialRecord trial) =>
        trials.Where(t => t.Id != trial.Id).Append(trial);
}
