namespace Research.Framework.Sweeps;

/// <summary>
/// Optuna's <c>MedianPruner</c> (its PercentilePruner at 50): after <see cref="StartupTrials"/> trials completed, a
/// trial whose best value so far is worse than the median of the completed trials' values at its newest step is
/// pruned. Steps before <see cref="WarmupSteps"/> are never judged, nor steps that are not the first report of their
/// <see cref="IntervalSteps"/>-long interval, nor steps where fewer than <see cref="MinTrials"/> completed trials reported.
/// </summary>
/// <remarks>As in Optuna, only COMPLETE trials are compared with (running and pruned ones are not).</remarks>
public sealed record MedianPruner(int StartupTrials = 5, long WarmupSteps = 0, long IntervalSteps = 1, int MinTrials = 1) : IPruner
{
    /// <summary>What is wrong with the settings, or null.</summary>
    public string? Problem =>
        StartupTrials < 0 ? $"n_startup_trials must not be negative (got {StartupTrials})"
        : WarmupSteps < 0 ? $"n_warmup_steps must not be negative (got {WarmupSteps})"
        : IntervalSteps < 1 ? $"interval_steps must be at least 1 (got {IntervalSteps})"
        : MinTrials < 1 ? $"n_min_trials must be at least 1 (got {MinTrials})"
        : null;

    /// <inheritdoc/>
    public bool ShouldPrune(TrialRecord trial, IReadOnlyList<TrialRecord> trials, SweepGoal goal)
    {
        var completed = trials.Where(t => t.State == TrialState.Complete && t.Id != trial.Id).ToList();
        if (completed.Count == 0 || completed.Count < StartupTrials) return false;
        var own = trial.ByStep();
        if (own.Count == 0) return false;
        long step = own[^1].Step;
        if (step < WarmupSteps) return false;
        // Optuna's _is_first_in_interval_step: the previous report lies before this step's interval start.
        long intervalStart = (step - WarmupSteps) / IntervalSteps * IntervalSteps + WarmupSteps;
        long previous = own.Count > 1 ? own[^2].Step : -1;
        if (previous >= intervalStart) return false;

        var finite = own.Select(p => p.Value).Where(v => !double.IsNaN(v)).ToList();
        if (finite.Count == 0) return true;
        double best = goal == SweepGoal.Minimize ? finite.Min() : finite.Max();
        var atStep = completed
            .Select(t => t.ByStep().Where(p => p.Step == step).Select(p => (double?)p.Value).FirstOrDefault())
            .Where(v => v is { } x && !double.IsNaN(x)).Select(v => v!.Value).Order().ToList();
        if (atStep.Count < MinTrials || atStep.Count == 0) return false;
        double median = atStep.Count % 2 == 1 ? atStep[atStep.Count / 2] : (atStep[atStep.Count / 2 - 1] + atStep[atStep.Count / 2]) / 2;
        return goal == SweepGoal.Minimize ? best > median : best < median;
    }
}
