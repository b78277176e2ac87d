using Research.Framework.Experiments;
using Research.Framework.Sweeps.Workers;

namespace Research.Framework.Runs;

/// <summary>
/// A trial body that is an ordinary tracked run of an experiment: the sweep's fixed overrides, then the trial's
/// parameters as <c>--Key value</c> overrides, through <see cref="ExperimentRunner"/> with the sweep recorded in
/// config.json (so the run store files the run under the sweep). The run reports its intermediate objective through
/// an <see cref="ObjectiveTracker"/>; a retry resumes the failed attempt's run folder from its newest checkpoint, and
/// a stop request (pruned, lost) makes the trainer checkpoint and stop.
/// </summary>
public sealed class ExperimentTrialRunner(IExperiment experiment, IReadOnlyList<string> baseOverrides, string runsRoot, TextWriter log, string? intermediateMetric = null)
    : ITrialRunner
{
    /// <summary>The command-line arguments of a trial: the sweep's fixed overrides, then the trial's parameters (which win).</summary>
    public static IReadOnlyList<string> Arguments(IReadOnlyList<string> baseOverrides, IReadOnlyDictionary<string, string> parameters) =>
        [.. baseOverrides, .. parameters.OrderBy(kv => kv.Key, StringComparer.Ordinal).SelectMany(kv => new[] { "--" + kv.Key, kv.Value })];

    /// <inheritdoc />
    public TrialOutcome Run(TrialContext context)
    {
        var plan = Overrides.Plan(experiment, Arguments(baseOverrides, context.Trial.Parameters)) with
        {
            SweepId = context.Sweep.Name,
            Trial = new SweepTrialIdentity(context.Trial.Number, context.Trial.Parameters),
        };
        // A trial stopped before its first checkpoint starts over in its own folder (its history cleared).
        var resume = context.Trial.RunDirectory is { } folder && File.Exists(RecordedRun.PathIn(folder))
            ? new ResumeOptions(folder) { RestartWithoutCheckpoint = true } : null;
        var metric = context.Sweep.Objective.Metric;
        var result = ExperimentRunner.Run(plan, runsRoot, log, context.Cancel, resume, run =>
        {
            context.RecordRunDirectory(Path.GetFullPath(run.Path));
            return new ObjectiveTracker(intermediateMetric ?? ObjectiveTracker.IntermediateOf(metric), context.Report);
        });
        if (result.Training.Cancelled) return new TrialOutcome(null, Stopped: true);
        if (!result.Summary.TryGetValue(metric, out var value))
            throw new InvalidOperationException($"the run summary of {result.Directory.Path} has no objective '{metric}'; it has: {string.Join(", ", result.Summary.Keys.Order(StringComparer.Ordinal))}.");
        return new TrialOutcome(value, Stopped: false);
    }
}
