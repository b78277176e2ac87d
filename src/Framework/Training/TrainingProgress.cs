using System.Globalization;

namespace Research.Framework.Training;

/// <summary>
/// A progress bar with the loss and steps per second in an interactive terminal; plain log lines when the
/// output is redirected (CI logs, files), printed at each logging step.
/// </summary>
public sealed class TrainingProgress(TextWriter output, bool interactive, long totalSteps, TextWriter? logFile = null)
{
    /// <summary>
    /// Progress on the console, interactive unless standard output is redirected; <paramref name="logFile"/> (a run's
    /// log.txt), when given, gets the plain metric lines either way (never the bar).
    /// </summary>
    public static TrainingProgress ForConsole(long totalSteps, TextWriter? logFile = null) => new(Console.Out, !Console.IsOutputRedirected, totalSteps, logFile);

    /// <summary>Called after every step with the latest logged loss (NaN before the first log: the trainer reads losses only at logging steps) and the current speed.</summary>
    public void Step(long step, double loss, double stepsPerSecond)
    {
        if (!interactive) return;
        const int width = 30;
        int filled = (int)(width * step / Math.Max(1, totalSteps));
        output.Write(string.Create(CultureInfo.InvariantCulture,
            $"\r[{new string('#', filled)}{new string('.', width - filled)}] {step}/{totalSteps} loss {(double.IsNaN(loss) ? "–" : loss.ToString("F4", CultureInfo.InvariantCulture))} {stepsPerSecond:F1} it/s "));
    }

    /// <summary>Called at each logging step with the interval means.</summary>
    public void Log(long step, IReadOnlyDictionary<string, double> metrics)
    {
        if (interactive && logFile is null) return;
        var parts = metrics.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value:G5}"));
        var line = $"step {step}/{totalSteps}  {string.Join("  ", parts)}";
        if (!interactive) output.WriteLine(line);
        logFile?.WriteLine(line);
    }

    /// <summary>Ends the bar's line.</summary>
    public void Finish()
    {
        if (interactive) output.WriteLine();
    }
}
