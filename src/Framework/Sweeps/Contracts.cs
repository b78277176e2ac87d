namespace Research.Framework.Sweeps;

// The seam between the search side (spaces, sweep files, samplers, pruners) and the execution side (trial stores,
// workers, the `sweep` command). A trial's parameters are setting overrides in their invariant command-line text
// ("0.0003", "64", "Heun"), exactly what `run NAME --Key value` accepts, so a trial is always reproducible by hand.

/// <summary>What the sweep optimizes: a metric of the run summary (or of the intermediate reports) and its direction.</summary>
/// <param name="Metric">The metric key, for example <c>final/swd</c>.</param>
/// <param name="Goal">Minimize or maximize.</param>
/// <param name="Target">When a finished trial reaches it, the sweep stops handing out new trials (W&amp;B <c>metric.target</c>).</param>
public sealed record SweepObjective(string Metric, SweepGoal Goal = SweepGoal.Minimize, double? Target = null);

/// <summary>The direction of a <see cref="SweepObjective"/>.</summary>
public enum SweepGoal { Minimize, Maximize }

/// <summary>How new trials are proposed (W&amp;B <c>method</c>; <c>bayes</c> is TPE here).</summary>
public enum SearchMethod { Grid, Random, Bayes }

/// <summary>The lifecycle of a trial. Only Running trials change state; Waiting → Running is claimed by exactly one worker.</summary>
public enum TrialState { Waiting, Running, Complete, Pruned, Failed }

/// <summary>One hyperparameter of a search space.</summary>
/// <param name="Key">The setting key (<c>LearningRate</c>, <c>Sampler.Steps</c>).</param>
/// <param name="Distribution">Where its values come from.</param>
public sealed record SweepParameter(string Key, Distribution Distribution);

/// <summary>The parameters a sweep varies; every other setting keeps its resolved value.</summary>
public sealed record SearchSpace(IReadOnlyList<SweepParameter> Parameters);

/// <summary>
/// A trial as the search side sees it: its parameters, its final objective value (null until complete, or when it
/// failed), and the intermediate objective values it reported by training step (for pruning and for the constant liar).
/// </summary>
public sealed record TrialRecord(
    long Id,
    int Number,
    TrialState State,
    IReadOnlyDictionary<string, string> Parameters,
    double? Value,
    IReadOnlyList<(long Step, double Value)> Intermediate,
    int Attempt = 0);

/// <summary>Proposes the next trial's parameters from the space and the trials so far (finished and running).</summary>
public interface ISearchStrategy
{
    /// <summary>The next parameters, or null when the space is exhausted (grid).</summary>
    IReadOnlyDictionary<string, string>? Suggest(SearchSpace space, IReadOnlyList<TrialRecord> trials, Random random);
}

/// <summary>Decides after each intermediate report whether a running trial should stop early.</summary>
public interface IPruner
{
    /// <summary>
    /// True when <paramref name="trial"/> (whose newest intermediate value was just reported) should be pruned, given
    /// all trials of the sweep (including itself). Values are compared in the direction of <paramref name="goal"/>.
    /// </summary>
    bool ShouldPrune(TrialRecord trial, IReadOnlyList<TrialRecord> trials, SweepGoal goal);
}
