using Research.Framework.Data;
using Research.Framework.Distributed;
using Research.Framework.Evaluation;
using Research.Framework.Experiments;
using Research.Framework.Progress;
using Research.Framework.Samplers;
using Research.Framework.Tracking;
using Research.Framework.Training;
using static TorchSharp.torch;

namespace Research.Framework.Runs;

/// <summary>
/// A run's loader, hooks and trainer, built the same way on every rank of a data-parallel run (the hooks' cadence must
/// agree, since the other ranks wait while rank 0 runs them).
/// </summary>
sealed class RunTraining : IDisposable
{
    readonly BatchLoader loader;
    readonly PrefetchingBatchSource? prefetch;
    readonly Tensor? reference;

    RunTraining(BatchLoader loader, PrefetchingBatchSource? prefetch, Tensor? reference, SampleEvaluator evaluator, Trainer trainer) =>
        (this.loader, this.prefetch, this.reference, Evaluator, Trainer) = (loader, prefetch, reference, evaluator, trainer);

    /// <summary>The evaluator of the periodic and final samples.</summary>
    public SampleEvaluator Evaluator { get; }

    /// <summary>The trainer.</summary>
    public Trainer Trainer { get; }

    /// <summary>Builds them for <paramref name="plan"/> in <paramref name="runPath"/>, tracking to <paramref name="sink"/>.</summary>
    public static RunTraining Prepare(ExperimentPlan plan, string runPath, string config, ITracker sink, ProgressOutput progress, SampleOptions guidance, ICommunicator world)
    {
        var model = plan.Model;
        var loader = new BatchLoader(plan.Dataset, new BatchLoaderOptions { BatchSize = plan.BatchSize, Seed = plan.Seeds.Loader, Device = model.Device, DType = model.DType });
        // Procedural data is drawn a batch ahead on another thread; the order and the saved position stay the loader's.
        var prefetch = PrefetchingBatchSource.Helps(plan.Dataset) ? new PrefetchingBatchSource(loader) : null;
        var reference = ExperimentRunner.ReferenceSamples(plan.Dataset, plan.PreviewCount, plan.Seeds.Reference);
        // The final evaluation samples the final weights, so the hooks do not also run at an off-cadence last step.
        var preview = new SamplePreviewHook(plan.Sampler, plan.Dataset.SampleShape, plan.PreviewCount,
            plan.PreviewEvery > 0 ? plan.PreviewEvery : plan.Trainer.Steps, plan.Seeds.Preview, plan.GuidanceScale, reference, runsAtLastStep: false,
            classNames: (plan.Dataset as IClassNames)?.ClassNames, guidance: guidance, dataset: plan.Dataset);
        var evaluator = new SampleEvaluator(plan.Sampler, plan.Dataset, plan.ImageReference, guidance, plan.Guidance.GuideName);
        var evaluations = evaluator.Measures
            ? plan.Evaluations.Select(e => new EvaluationHook(evaluator, e, plan.Seeds.Periodic, runsAtLastStep: false, progress: progress))
            : [];
        var oneStep = plan.Evaluations
            .Select(e => EvaluationHook.OneStep(model, plan.Sampler, plan.Dataset, plan.ImageReference, e, plan.Seeds.Periodic, runsAtLastStep: false, progress))
            .OfType<EvaluationHook>();
        var trainer = new Trainer(model, (IBatchSource?)prefetch ?? loader, plan.Trainer with { ConfigJson = config, MicroBatch = plan.Compute.MicroBatch }, runPath, sink,
            [preview, .. evaluations, .. oneStep], new TrainingProgress(progress, plan.Trainer.Steps), world: world);
        return new RunTraining(loader, prefetch, reference, evaluator, trainer);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Trainer.Dispose();
        reference?.Dispose();
        prefetch?.Dispose();
        loader.Dispose();
    }
}
