using Research.Framework.Sweeps.Workers;
using Research.Framework.Tracking;

namespace Research.Framework.Runs;

/// <summary>
/// A tracker that watches what a training run logs and forwards one metric, the sweep's intermediate objective, to
/// its trial (<see cref="TrialContext.Report"/>): the trainer and the periodic evaluations need no sweep code.
/// Everything else is ignored.
/// </summary>
public sealed class ObjectiveTracker(string metric, Func<long, double, bool> report) : ITracker
{
    /// <summary>
    /// The metric logged during training that tracks a summary objective: a final evaluation's
    /// <c>final/&lt;name&gt;</c> is measured periodically as <c>eval/&lt;name&gt;</c>; any other key is logged as itself.
    /// </summary>
    public static string IntermediateOf(string objective) =>
        objective.StartsWith(ExperimentRunner.FinalPrefix + "/", StringComparison.Ordinal)
            ? "eval/" + objective[(ExperimentRunner.FinalPrefix.Length + 1)..]
            : objective;

    /// <summary>The metric forwarded.</summary>
    public string Metric { get; } = metric;

    /// <inheritdoc />
    public void Log(IReadOnlyDictionary<string, double> metrics, long step)
    {
        if (metrics.TryGetValue(Metric, out var value) && double.IsFinite(value)) report(step, value);
    }

    /// <inheritdoc />
    public void LogImage(string key, byte[] png, long step)
    {
    }

    /// <inheritdoc />
    public void SetSummary(string key, double value)
    {
    }

    /// <inheritdoc />
    public void Finish(int exitCode)
    {
    }
}
