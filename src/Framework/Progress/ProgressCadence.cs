namespace Research.Framework.Progress;

/// <summary>
/// When a plain progress line is due (a log file, redirected output): once <see cref="Fraction"/> of the work has been
/// done since the last line, or <see cref="Interval"/> has passed, whichever comes first; the last unit of work always
/// prints. A log then gets about ten lines per task plus one a minute on slow work, never one per step.
/// </summary>
/// <param name="Fraction">The share of the total between two lines, in (0, 1].</param>
/// <param name="Interval">The longest time between two lines.</param>
public sealed record ProgressCadence(double Fraction, TimeSpan Interval)
{
    /// <summary>Every 10 % or every 60 seconds.</summary>
    public static ProgressCadence Default { get; } = new(0.1, TimeSpan.FromSeconds(60));
}
