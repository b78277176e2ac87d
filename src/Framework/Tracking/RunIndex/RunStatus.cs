namespace Research.Framework.Tracking.RunIndex;

/// <summary>Where a run stands in the <see cref="RunStore"/> (stored as its lower-case name).</summary>
public enum RunStatus
{
    /// <summary>Started and not finished (or still writing).</summary>
    Running,

    /// <summary>Finished with exit code 0.</summary>
    Finished,

    /// <summary>Finished with a non-zero exit code (an exception, or 130 for Ctrl-C).</summary>
    Failed,

    /// <summary>Stopped without finishing (the process died): no heartbeat for a while, or no exit code in its folder.</summary>
    Crashed,
}
