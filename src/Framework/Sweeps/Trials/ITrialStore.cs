namespace Research.Framework.Sweeps.Trials;

/// <summary>
/// The shared state of a sweep that identical workers coordinate through (Optuna's RDB storage, our own schema): no
/// central controller, every rule is a transaction. A waiting trial is handed to exactly one worker; only running
/// trials reach a final state, once; trials whose worker stopped heartbeating are failed and re-queued by whichever
/// worker notices first. One instance holds one connection and serializes its callers (a worker's heartbeat thread
/// shares it); open one per process or thread for concurrency.
/// </summary>
public interface ITrialStore : IDisposable
{
    /// <summary>
    /// Creates the sweep <paramref name="name"/> with <paramref name="initial"/> as its first waiting trials, or returns
    /// the existing sweep of that name unchanged and enqueues nothing (idempotent: every worker may call it).
    /// </summary>
    SweepStudy CreateSweep(string name, string experiment, SweepObjective objective, string spec, IReadOnlyList<IReadOnlyDictionary<string, string>>? initial = null);

    /// <summary>The sweep of that name, or null.</summary>
    SweepStudy? FindSweep(string name);

    /// <summary>Adds a waiting trial with the next number (numbered under the sweep's lock).</summary>
    StoredTrial Enqueue(long sweepId, IReadOnlyDictionary<string, string> parameters);

    /// <summary>Moves one waiting trial (the lowest number) to running for <paramref name="workerId"/>; null when none waits. Atomic: no two callers get the same trial.</summary>
    StoredTrial? Claim(long sweepId, string workerId);

    /// <summary>
    /// The next trial for <paramref name="workerId"/>: a claimed waiting trial if any; otherwise, in one transaction
    /// under the sweep's lock, <paramref name="propose"/> is given every trial so far and its parameters are inserted
    /// as a running trial of this worker. Null when nothing waits and no new trial may start: the proposal is null
    /// (space exhausted), <paramref name="maxTrials"/> first tries exist (retries do not count), or a complete trial
    /// reached the objective's target. Once <paramref name="maxTrials"/> first tries have started, waiting first tries
    /// are no longer handed out either (retries still are).
    /// </summary>
    StoredTrial? Ask(long sweepId, string workerId, Func<IReadOnlyList<TrialRecord>, IReadOnlyDictionary<string, string>?> propose, int? maxTrials = null);

    /// <summary>Refreshes a running trial's heartbeat from the database clock; false when the trial is no longer this worker's running trial (it was failed as stale).</summary>
    bool Heartbeat(long trialId, string workerId);

    /// <summary>Records an intermediate objective value (one per step: a repeated step replaces it); false unless the trial is running.</summary>
    bool Report(long trialId, long step, double value);

    /// <summary>Records the trial's run folder; false unless the trial is running.</summary>
    bool SetRunDirectory(long trialId, string runDirectory);

    /// <summary>Moves a running trial to a final state (Complete, Pruned or Failed) with its value; false when it was not running (someone else finished it).</summary>
    bool Finish(long trialId, TrialState state, double? value);

    /// <summary>
    /// Hands a running trial of <paramref name="workerId"/> back: it waits again with the same number, parameters,
    /// attempt and run folder, so the next worker resumes it from its checkpoint at once. For a worker that was
    /// asked to stop (Ctrl-C, SIGTERM, a preempted job): a clean stop is not a failure and costs no retry. False when it
    /// was not this worker's running trial.
    /// </summary>
    bool Release(long trialId, string workerId);

    /// <summary>
    /// Fails the sweep's running trials whose heartbeat is older than <paramref name="grace"/> (database clock) and
    /// re-queues each as a waiting trial with the same parameters and run folder (to resume from its checkpoint) and
    /// attempt + 1, while that stays within <paramref name="maxRetries"/>. Returns the trials it failed; a trial another
    /// worker failed first is not among them.
    /// </summary>
    IReadOnlyList<StoredTrial> FailStale(long sweepId, TimeSpan grace, int maxRetries);

    /// <summary>
    /// Puts back a trial recovered from its run folder (<c>sweep --repair</c> after the store was lost): with its own
    /// number, parameters, run folder and intermediate values, final (its value from the run's summary) or Waiting, so the
    /// next worker resumes it from its checkpoint. Not Running: no worker holds it.
    /// </summary>
    StoredTrial Restore(long sweepId, int number, TrialState state, IReadOnlyDictionary<string, string> parameters, double? value,
        IReadOnlyList<(long Step, double Value)> intermediate, string runDirectory);

    /// <summary>Every trial of the sweep with its intermediate values, by number.</summary>
    IReadOnlyList<StoredTrial> Trials(long sweepId);

    /// <summary>One trial, or null.</summary>
    StoredTrial? Trial(long trialId);
}
