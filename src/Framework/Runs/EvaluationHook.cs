using Research.Framework.Evaluation;
using Research.Framework.Training;

namespace Research.Framework.Runs;

/// <summary>
/// The periodic evaluation of one <see cref="EvaluationSchedule"/> entry on the sampling (EMA) model: every
/// <see cref="Every"/> steps it draws the scheduled number of samples with a fixed seed (so successive numbers differ
/// only by training), measures them with the shared <see cref="SampleEvaluator"/>, and records the numbers as
/// <c>eval/&lt;metric&gt;[_g&lt;guidance&gt;]</c> at that step, in the summary, and with their protocols in protocols.json,
/// next to a PNG of the samples.
/// </summary>
public sealed class EvaluationHook : ITrainingHook
{
    readonly SampleEvaluator evaluator;
    readonly EvaluationSchedule schedule;
    readonly long seed;

    /// <inheritdoc />
    public bool RunsAtLastStep { get; }

    /// <summary>Evaluates <paramref name="schedule"/> with <paramref name="evaluator"/>, drawing samples from <paramref name="seed"/>.</summary>
    public EvaluationHook(SampleEvaluator evaluator, EvaluationSchedule schedule, long seed, bool runsAtLastStep = true)
    {
        RunsAtLastStep = runsAtLastStep;
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(schedule);
        schedule.Validate();
        (this.evaluator, this.schedule, this.seed) = (evaluator, schedule, seed);
    }

    /// <inheritdoc />
    public long Every => schedule.Every;

    /// <inheritdoc />
    public void Run(TrainingHookContext context)
    {
        using var report = evaluator.Evaluate(context.Model, schedule.Samples, seed, schedule.GuidanceScale);
        var image = schedule.GuidanceScale == 1.0 ? "eval_samples" : $"eval_samples_g{schedule.GuidanceScale.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}";
        EvaluationLog.Record(context.Tracker, context.RunDirectory, "eval", report, context.Step, image, logHistory: true);
    }
}
