namespace Research.Framework.Sweeps.Trials;

/// <summary>
/// A trial as the store keeps it: the search side's <see cref="TrialRecord"/> plus what execution needs to hand it
/// out exactly once and to retry it after a crash.
/// </summary>
/// <param name="Id">The store's id (a retry is a new trial with a new id).</param>
/// <param name="SweepId">The sweep it belongs to.</param>
/// <param name="Number">Its number within the sweep, 0, 1, 2, … in creation order (retries get new numbers).</param>
/// <param name="State">Where it is in its lifecycle.</param>
/// <param name="Parameters">The setting overrides (invariant command-line text).</param>
/// <param name="Value">The objective value: the summary metric when complete, the last intermediate value when pruned.</param>
/// <param name="Intermediate">The objective's intermediate values by step, in step order.</param>
/// <param name="Attempt">0 for a first try; a retry of a stale trial has its attempt + 1.</param>
/// <param name="RetryOf">The failed trial this one retries, or null.</param>
/// <param name="WorkerId">The worker that holds (or last held) it.</param>
/// <param name="RunDirectory">The run folder of this trial; a retry starts with its failed trial's folder so it resumes from the checkpoint there.</param>
/// <param name="Heartbeat">The last heartbeat, by the database clock.</param>
public sealed record StoredTrial(
    long Id,
    long SweepId,
    int Number,
    TrialState State,
    IReadOnlyDictionary<string, string> Parameters,
    double? Value,
    IReadOnlyList<(long Step, double Value)> Intermediate,
    int Attempt,
    long? RetryOf,
    string? WorkerId,
    string? RunDirectory,
    DateTimeOffset? Heartbeat)
{
    /// <summary>The view the search strategies and pruners take.</summary>
    public TrialRecord ToRecord() => new(Id, Number, State, Parameters, Value, Intermediate, Attempt);

    /// <summary>True for Complete, Pruned and Failed: the states nothing leaves.</summary>
    public bool IsFinal => State is TrialState.Complete or TrialState.Pruned or TrialState.Failed;

    /// <summary>
    /// True while the sweep still owes this trial a run whatever the budget: it is running (and may go stale), or it
    /// waits after having started before (a retry, or a trial a stopped worker released, which has its run folder).
    /// A waiting first try that never started is only run within the trial budget.
    /// </summary>
    public bool IsOwed => State == TrialState.Running || (State == TrialState.Waiting && (RetryOf is not null || RunDirectory is not null));
}
