using System.Globalization;
using Research.Framework.Progress;

namespace Research.Framework.Training;

/// <summary>
/// Training progress with an ETA: a bar with the loss and steps per second in an interactive terminal; plain lines
/// when the output is redirected and in the run's log (step/total, loss, speed, elapsed, ETA at the output's
/// <see cref="ProgressCadence"/>, not one per step), plus the interval means at each logging step.
/// </summary>
public sealed class TrainingProgress
{
    readonly ProgressOutput output;
    readonly long totalSteps;
    ProgressMeter? meter;

    /// <summary>
    /// Progress on <paramref name="output"/>, a bar when <paramref name="interactive"/>; <paramref name="logFile"/> (a run's
    /// log.txt), when given, gets the plain lines either way (never the bar).
    /// </summary>
    public TrainingProgress(TextWriter output, bool interactive, long totalSteps, TextWriter? logFile = null)
        : this(new ProgressOutput(output, interactive, logFile), totalSteps) { }

    /// <summary>Progress of <paramref name="totalSteps"/> steps on <paramref name="output"/> (shared with the run's evaluations).</summary>
    public TrainingProgress(ProgressOutput output, long totalSteps)
    {
        ArgumentNullException.ThrowIfNull(output);
        (this.output, this.totalSteps) = (output, totalSteps);
    }

    /// <summary>
    /// Progress on the console, interactive unless standard output is redirected; <paramref name="logFile"/> (a run's
    /// log.txt), when given, gets the plain lines either way (never the bar).
    /// </summary>
    public static TrainingProgress ForConsole(long totalSteps, TextWriter? logFile = null) => new(ProgressOutput.ForConsole(logFile), totalSteps);

    /// <summary>
    /// Called after every step with the latest logged loss (NaN before the first log: the trainer reads losses only at logging steps) and the current speed. The ETA's rate counts from the first step
    /// reported (a resumed run does not count the steps it loaded, and the first step's warm-up is left out).
    /// </summary>
    public void Step(long step, double loss, double stepsPerSecond)
    {
        meter ??= output.Start("step", Math.Max(1, totalSteps), Math.Clamp(step, 0, Math.Max(1, totalSteps)));
        meter.Report(step, string.Create(CultureInfo.InvariantCulture, $"loss {(double.IsNaN(loss) ? "–" : loss.ToString("F4", CultureInfo.InvariantCulture))}  {stepsPerSecond:F1} it/s"));
    }

    /// <summary>Called at each logging step with the interval means.</summary>
    public void Log(long step, IReadOnlyDictionary<string, double> metrics)
    {
        var parts = metrics.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value:G5}"));
        output.Line($"step {step}/{totalSteps}  {string.Join("  ", parts)}");
    }

    /// <summary>Ends the bar's line.</summary>
    public void Finish()
    {
        meter?.Finish();
        meter = null;
    }
}
