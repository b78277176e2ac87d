namespace Research.Framework.Progress;

/// <summary>
/// Where progress goes: a redrawn bar on an interactive console, plain lines at the <see cref="ProgressCadence"/> on a
/// redirected one, and plain lines to a log file (a run's log.txt) either way. One output serves every task of a run
/// (training, previews, evaluations, the final samples), each started as a <see cref="ProgressMeter"/>.
/// </summary>
public sealed class ProgressOutput
{
    readonly TextWriter console;
    readonly TextWriter? log;

    /// <summary>Progress on <paramref name="console"/> (a bar when <paramref name="interactive"/>, else plain lines) and plain lines on <paramref name="log"/>.</summary>
    public ProgressOutput(TextWriter console, bool interactive, TextWriter? log = null, ProgressCadence? cadence = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(console);
        (this.console, Interactive, this.log) = (console, interactive, log);
        Cadence = cadence ?? ProgressCadence.Default;
        Clock = clock ?? TimeProvider.System;
        if (!(Cadence.Fraction > 0 && Cadence.Fraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(cadence), Cadence.Fraction, "The progress cadence's fraction must lie in (0, 1].");
    }

    /// <summary>The process's console (a bar unless standard output is redirected) and, when given, a log file.</summary>
    public static ProgressOutput ForConsole(TextWriter? log = null) => new(Console.Out, !Console.IsOutputRedirected, log);

    /// <summary>Shows nothing (library callers and tests that want no output).</summary>
    public static ProgressOutput None { get; } = new(TextWriter.Null, interactive: false);

    /// <summary>True when the console gets a redrawn bar rather than lines.</summary>
    public bool Interactive { get; }

    /// <summary>When plain lines are written.</summary>
    public ProgressCadence Cadence { get; }

    /// <summary>The clock behind elapsed times and ETAs.</summary>
    public TimeProvider Clock { get; }

    /// <summary>Starts a task of <paramref name="total"/> units named <paramref name="label"/>, <paramref name="done"/> of them done already (a resumed run).</summary>
    public ProgressMeter Start(string label, long total, long done = 0) => new(this, label, total, done);

    /// <summary>The redrawn bar (interactive consoles only).</summary>
    internal void Draw(string line) => console.Write(line);

    /// <summary>Ends the bar's line so the next output starts on a fresh one.</summary>
    internal void EndBar() => console.WriteLine();

    /// <summary>A plain line (progress, interval metrics): to a redirected console and to the log, never over the bar.</summary>
    public void Line(string line)
    {
        if (!Interactive) console.WriteLine(line);
        log?.WriteLine(line);
    }
}
