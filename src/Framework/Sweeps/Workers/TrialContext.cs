using Research.Framework.Sweeps.Trials;

namespace Research.Framework.Sweeps.Workers;

/// <summary>
/// What a trial body gets from its worker: the trial (its parameters and, for a retry, the failed attempt's run
/// folder to resume), a way to report intermediate objective values, a way to record its run folder, and a token
/// that asks it to save a checkpoint and stop (pruned, the trial was lost, or the worker is stopping).
/// </summary>
public sealed class TrialContext(SweepStudy sweep, StoredTrial trial, Func<long, double, bool> report, Action<string> recordRunDirectory, CancellationToken cancel)
{
    /// <summary>The sweep the trial belongs to.</summary>
    public SweepStudy Sweep { get; } = sweep;

    /// <summary>The trial as it was handed out.</summary>
    public StoredTrial Trial { get; } = trial;

    /// <summary>Set when the trial should checkpoint and stop.</summary>
    public CancellationToken Cancel { get; } = cancel;

    /// <summary>Records an intermediate objective value at a training step; true when the trial should now stop (pruned or lost).</summary>
    public bool Report(long step, double value) => report(step, value);

    /// <summary>Records the trial's run folder as soon as it exists, so a retry after a crash resumes from its checkpoints.</summary>
    public void RecordRunDirectory(string path) => recordRunDirectory(path);
}
