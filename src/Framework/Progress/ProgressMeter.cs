using System.Globalization;

namespace Research.Framework.Progress;

/// <summary>
/// The progress of one task of known size (training steps, sampler steps over all batches): units done of the total,
/// the time elapsed and the time left at the average rate since the meter started (so a resumed run's ETA counts
/// only its own steps, and time spent in previews and evaluations is part of the estimate). Reports draw the bar
/// (at most ten times a second) and write plain lines at the output's cadence.
/// </summary>
public sealed class ProgressMeter
{
    const int BarWidth = 24;
    static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(100);

    readonly ProgressOutput output;
    readonly long startDone;
    readonly long startTime;
    long lineDone;
    long lineTime;
    long drawTime;
    int drawnLength;

    internal ProgressMeter(ProgressOutput output, string label, long total, long done)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        ArgumentOutOfRangeException.ThrowIfLessThan(total, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(done);
        (this.output, Label, Total, startDone, lineDone) = (output, label, total, done, done);
        startTime = lineTime = output.Clock.GetTimestamp();
        drawTime = long.MinValue;
    }

    /// <summary>What the task is ("step", "final samples").</summary>
    public string Label { get; }

    /// <summary>The units of work in the task.</summary>
    public long Total { get; }

    /// <summary>
    /// <paramref name="done"/> units are done; <paramref name="detail"/> (a loss, a batch) goes into the line. The last
    /// unit always writes a line; a redirected console and the log otherwise get one at the cadence.
    /// </summary>
    public void Report(long done, string? detail = null)
    {
        done = Math.Clamp(done, 0, Total);
        long now = output.Clock.GetTimestamp();
        var elapsed = output.Clock.GetElapsedTime(startTime, now);
        if (output.Interactive && (drawTime == long.MinValue || done == Total || output.Clock.GetElapsedTime(drawTime, now) >= RedrawInterval))
        {
            var bar = Bar(done, detail, elapsed);
            output.Draw("\r" + bar + new string(' ', Math.Max(0, drawnLength - bar.Length)));
            (drawTime, drawnLength) = (now, bar.Length);
        }
        bool due = done == Total
            || elapsed >= output.Cadence.Quiet
               && (done - lineDone >= output.Cadence.Fraction * Total || output.Clock.GetElapsedTime(lineTime, now) >= output.Cadence.Interval);
        if (due && done > lineDone)
        {
            output.Line(Text(done, detail, elapsed));
            (lineDone, lineTime) = (done, now);
        }
    }

    /// <summary>Ends the bar's line (interactive consoles); call once when the task ends.</summary>
    public void Finish()
    {
        if (output.Interactive && drawnLength > 0) output.EndBar();
        drawnLength = 0;
    }

    /// <summary>The time left at the average rate since the meter started, or null before any unit is done.</summary>
    public static TimeSpan? Eta(long done, long total, long startDone, TimeSpan elapsed) =>
        done <= startDone || elapsed <= TimeSpan.Zero ? null : elapsed * ((double)(total - done) / (done - startDone));

    /// <summary>A duration as m:ss, or h:mm:ss from an hour on.</summary>
    public static string Format(TimeSpan time) => time.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)time.TotalHours}:{time.Minutes:00}:{time.Seconds:00}")
        : string.Create(CultureInfo.InvariantCulture, $"{time.Minutes}:{time.Seconds:00}");

    /// <summary>"label done/total (p%)  detail  elapsed m:ss  eta m:ss": a plain line.</summary>
    string Text(long done, string? detail, TimeSpan elapsed) =>
        string.Create(CultureInfo.InvariantCulture, $"{Label} {done}/{Total} ({100.0 * done / Total:F0}%)") + Tail(done, detail, elapsed);

    /// <summary>"label [####....] done/total  detail  elapsed m:ss  eta m:ss": the bar.</summary>
    string Bar(long done, string? detail, TimeSpan elapsed)
    {
        int filled = (int)(BarWidth * done / Total);
        return $"{Label} [{new string('#', filled)}{new string('.', BarWidth - filled)}] {done}/{Total}" + Tail(done, detail, elapsed);
    }

    string Tail(long done, string? detail, TimeSpan elapsed)
    {
        var eta = done == Total ? "done" : Eta(done, Total, startDone, elapsed) is { } left ? Format(left) : "?";
        return (string.IsNullOrEmpty(detail) ? "" : "  " + detail) + $"  elapsed {Format(elapsed)}  eta {eta}";
    }
}
