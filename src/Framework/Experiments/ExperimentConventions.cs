using Research.Framework.Training;

namespace Research.Framework.Experiments;

/// <summary>
/// How generated code turns an experiment's well-known properties into trainer settings. The convention (by property
/// name, on the experiment class or its base classes):
/// <list type="bullet">
/// <item><c>TrainSteps</c> or <c>Steps</c> (long/int): training steps; checkpoints every quarter unless
/// <c>CheckpointEvery</c> (long/int) says otherwise.</item>
/// <item><c>LearningRate</c>: AdamW's peak learning rate (else `Optimizer.LearningRate`). <c>EmaDecay</c>: the sampling EMA (with warm-up).</item>
/// <item><c>LogEvery</c>: the metrics interval. <c>BatchSize</c>, <c>Seed</c>, <c>PreviewEvery</c>, <c>SampleCount</c>:
/// the plan's loader batch, seed (also the network's and the interface's options' Seed), preview interval and final
/// sample count.</item>
/// <item><c>PreviewCount</c> (int): the samples in each preview (e.g. 64 images rather than 1024 points).
/// <c>GuidanceScale</c> (double): the classifier-free guidance scale of previews and final samples
/// (<see cref="ExperimentPlan.GuidanceScale"/>; 1 = none).</item>
/// </list>
/// A property that is absent keeps the framework default. The rest of the optimizer and its schedule come from the
/// `Optimizer.*` settings (<see cref="OptimizerAttribute"/>), the periodic evaluation from `Evaluate.*`
/// (<see cref="EvaluateAttribute"/>) and the filing of the run from `Tracker.*` (<see cref="TrackerAttribute"/>).
/// </summary>
public static class ExperimentConventions
{
    /// <summary>Trainer settings from the conventional properties (null = absent) and the `Optimizer.*` settings.</summary>
    public static TrainerOptions Trainer(long? steps = null, double? learningRate = null, double? emaDecay = null, long? logEvery = null,
        long? checkpointEvery = null, OptimizerSettings? optimizer = null)
    {
        var defaults = new TrainerOptions();
        long total = steps ?? defaults.Steps;
        optimizer ??= new OptimizerSettings();
        if (learningRate is { } lr) optimizer = optimizer with { LearningRate = lr };
        return defaults with
        {
            Steps = total,
            LogEvery = logEvery ?? defaults.LogEvery,
            CheckpointEvery = checkpointEvery ?? Math.Max(1, total / 4),
            Optimizer = optimizer.Build(total),
            Ema = emaDecay is { } decay ? [new EmaOptions(decay, Warmup: true)] : defaults.Ema,
        };
    }
}
