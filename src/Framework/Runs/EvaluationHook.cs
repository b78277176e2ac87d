using Research.Framework.Data;
using Research.Framework.Evaluation;
using Research.Framework.Interfaces;
using Research.Framework.Progress;
using Research.Framework.Samplers;
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
    readonly string prefix;
    readonly ProgressOutput progress;

    /// <summary>The key prefix of the one-step evaluation of two-time models (see <see cref="OneStep"/>).</summary>
    public const string OneStepPrefix = "eval_one_step";

    /// <inheritdoc />
    public bool RunsAtLastStep { get; }

    /// <summary>
    /// Evaluates <paramref name="schedule"/> with <paramref name="evaluator"/>, drawing samples from <paramref name="seed"/>,
    /// and records the numbers under <paramref name="prefix"/>/…; the sampling shows its progress on <paramref name="progress"/>.
    /// </summary>
    public EvaluationHook(SampleEvaluator evaluator, EvaluationSchedule schedule, long seed, bool runsAtLastStep = true, string prefix = "eval",
        ProgressOutput? progress = null)
    {
        RunsAtLastStep = runsAtLastStep;
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        schedule.Validate();
        (this.evaluator, this.schedule, this.seed, this.prefix) = (evaluator, schedule, seed, prefix);
        this.progress = progress ?? ProgressOutput.None;
    }

    /// <summary>
    /// For a two-time model (MeanFlow) whose sampler is not already one <see cref="EulerJump"/> step: the same schedule
    /// measured on one-step samples under <see cref="OneStepPrefix"/>/…, so every periodic evaluation says how good the
    /// one-step generator is (its loss, adaptive-weighted, stays ≈ 1 and says nothing). Null otherwise.
    /// </summary>
    public static EvaluationHook? OneStep(Interface model, Sampler sampler, IDataset dataset, ImageReference? images,
        EvaluationSchedule schedule, long seed, bool runsAtLastStep = true, ProgressOutput? progress = null)
    {
        if (model is not ITwoTimeModel || sampler is EulerJump { Steps: 1 }) return null;
        var oneStep = new SampleEvaluator(new EulerJump(1), dataset, images);
        return oneStep.Measures ? new EvaluationHook(oneStep, schedule, seed, runsAtLastStep, OneStepPrefix, progress) : null;
    }

    /// <inheritdoc />
    public long Every => schedule.Every;

    /// <inheritdoc />
    public void Run(TrainingHookContext context)
    {
        var image = schedule.GuidanceScale == 1.0 ? $"{prefix}_samples" : $"{prefix}_samples_g{schedule.GuidanceScale.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}";
        using var report = evaluator.Evaluate(context.Model, schedule.Samples, seed, schedule.GuidanceScale,
            progress: units => progress.Start($"{image} at step {context.Step}, sampler step", units));
        EvaluationLog.Record(context.Tracker, context.RunDirectory, prefix, report, context.Step, image, logHistory: true);
    }
}
