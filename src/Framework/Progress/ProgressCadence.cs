namespace Research.Framework.Progress;

/// <summary>
/// When a plain progress line is due (a log file, redirected output): once <see cref="Fraction"/> of the work has been
/// done since the last line, or <see cref="Interval"/> has passed, whichever comes first; the last unit of work always
/// prints. A log then gets about ten lines per task plus one a minute on slow work, never one per step; a task shorter
/// than <see cref="Quiet"/> (a toy's one-second evaluation) writes its last line only.
/// </summary>
/// <param name="Fraction">The share of the total between two lines, in (0, 1].</param>
/// <param name="Interval">The longest time between two lines.</param>
/// <param name="Quiet">How long a task runs before its intermediate lines start (zero: from the first unit).</param>
public sealed record ProgressCadence(double Fraction, TimeSpan Interval, TimeSpan Quiet = default)
{
    /// <summary>Every 10 % or every 60 seconds, once a task has run 5 seconds.</summary>
    public static ProgressCadence Default { get; } = new(0.1, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(5));
}
