namespace Research.Framework.Sweeps;

/// <summary>
/// Asynchronous successive halving (Optuna's <c>SuccessiveHalvingPruner</c>, ASHA). Rung r sits at step
/// <c>MinResource · η^(MinEarlyStoppingRate + r)</c>. When a trial's report reaches a rung, the value it reports
/// there is its record for the rung, and it goes on only if that value is within the top ⌊n/η⌋ (at least the best one)
/// of the n records of that rung, its own included; a report may pass several rungs at once.
/// </summary>
/// <remarks>
/// Optuna keeps each rung record in a system attribute <c>completed_rung_r</c>; here it is reconstructed from the
/// intermediate values: a trial's record for a rung is its value at its first report at or after the rung's step.
/// The one difference: a trial pruned by a report that crossed several rungs is credited with records for all of
/// them (Optuna stops at the rung where it failed). Reporting at least once per rung step avoids it.
/// <c>min_resource='auto'</c> and <c>bootstrap_count</c> are not offered.
/// </remarks>
public sealed record SuccessiveHalvingPruner(long MinResource = 1, int ReductionFactor = 4, int MinEarlyStoppingRate = 0) : IPruner
{
    /// <summary>The step of rung <paramref name="rung"/>.</summary>
    public double RungStep(int rung) => MinResource * Math.Pow(ReductionFactor, MinEarlyStoppingRate + rung);

    /// <summary>What is wrong with the settings, or null.</summary>
    public string? Problem =>
        MinResource < 1 ? $"min_resource must be at least 1 (got {MinResource})"
        : ReductionFactor < 2 ? $"reduction_factor must be at least 2 (got {ReductionFactor})"
        : MinEarlyStoppingRate < 0 ? $"min_early_stopping_rate must not be negative (got {MinEarlyStoppingRate})"
        : null;

    /// <inheritdoc/>
    public bool ShouldPrune(TrialRecord trial, IReadOnlyList<TrialRecord> trials, SweepGoal goal)
    {
        var own = trial.ByStep();
        if (own.Count == 0) return false;
        var (step, value) = own[^1];
        // Rungs already passed at earlier reports (the trial is still running, so it was promoted through them).
        long before = own.Count > 1 ? own[^2].Step : long.MinValue;
        int rung = 0;
        while (RungStep(rung) <= before) rung++;
        var others = trials.Where(t => t.Id != trial.Id).Select(t => t.ByStep()).ToList();
        for (; RungStep(rung) <= step; rung++)
        {
            if (double.IsNaN(value)) return true;
            double rungStep = RungStep(rung);
            var competing = others
                .Select(h => h.FirstOrDefault(p => p.Step >= rungStep))
                .Where(p => p != default && !double.IsNaN(p.Value))
                .Select(p => p.Value).Append(value).Order().ToList();
            int index = Math.Max(competing.Count / ReductionFactor - 1, 0);
            bool promotable = goal == SweepGoal.Minimize ? value <= competing[index] : value >= competing[^(index + 1)];
            if (!promotable) return true;
        }
        return false;
    }
}
