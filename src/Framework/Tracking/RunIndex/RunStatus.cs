namespace Research.Framework.Tracking.RunIndex;

/// <summary>Where a run stands in the <see cref="RunStore"/> (stored as its lower-case name).</summary>
public enum RunStatus
{
    /// <summary>Started and not finished (or still writing).</summary>
    Running,

    /// <summary>Finished with exit code 0.</summary>
    Finished,

    /// <summary>Finished with a non-zero exit code other than <see cref="RunStatuses.StoppedExitCode"/> (an exception).</summary>
    Failed,

    /// <summary>Stopped without finishing (the process died): no heartbeat for a while, or no exit code in its folder.</summary>
    Crashed,

    /// <summary>Stopped on request after writing a checkpoint (exit code <see cref="RunStatuses.StoppedExitCode"/>); it can be resumed.</summary>
    Stopped,
}

/// <summary>How a run's exit code maps to its status.</summary>
public static class RunStatuses
{
    /// <summary>The exit code of a run stopped on request (Ctrl-C, SIGTERM, a sweep's stop) after its checkpoint: 128 + SIGINT, as shells report it.</summary>
    public const int StoppedExitCode = 130;

    /// <summary>The status of a run that ended with <paramref name="exitCode"/>.</summary>
    public static RunStatus Of(int exitCode) => exitCode switch
    {
        0 => RunStatus.Finished,
        StoppedExitCode => RunStatus.Stopped,
        _ => RunStatus.Failed,
    };
}
