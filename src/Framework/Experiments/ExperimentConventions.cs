using Research.Framework.Training;

namespace Research.Framework.Experiments;

/// <summary>
/// The table of well-known experiment properties: one property per convention, named by its canonical name, with
/// <see cref="AlsoNamedAttribute"/> listing the other names that bind it. The generator reads this record by symbol
/// (so the table is written once, here): a property of an experiment class (or of its base classes) whose name is a
/// row's name and whose type fits the row (an integer for a <c>long?</c> row, any number for a <c>double?</c> row)
/// is passed in this record to <see cref="ExperimentConventions"/>; a name that nearly matches a row
/// (<c>TrainingSteps</c>, <c>LR</c>, <c>Batchsize</c>) is warning RSG013. A row left null keeps the framework default.
/// </summary>
public sealed record WellKnownSettings
{
    /// <summary>Training steps; checkpoints every quarter unless <see cref="CheckpointEvery"/> says otherwise.</summary>
    [AlsoNamed("Steps")]
    public long? TrainSteps { get; init; }
    /// <summary>Checkpoint interval in steps.</summary>
    public long? CheckpointEvery { get; init; }
    /// <summary>AdamW's peak learning rate (in place of `Optimizer.LearningRate`).</summary>
    public double? LearningRate { get; init; }
    /// <summary>Decay of the sampling EMA (with warm-up).</summary>
    public double? EmaDecay { get; init; }
    /// <summary>
    /// Post-hoc EMA (EDM2): keep power-function EMA profiles of σ_rel 0.05 and 0.10 and save them into the run's phema/
    /// folder every this many steps and at the end, for <c>eval --Ema.Std</c> (0 = off).
    /// </summary>
    public long? PostHocEmaEvery { get; init; }
    /// <summary>The metrics interval in steps.</summary>
    public long? LogEvery { get; init; }
    /// <summary>The data loader's batch size.</summary>
    public long? BatchSize { get; init; }
    /// <summary>The run's seed (also the Seed of the network's and the interface's options).</summary>
    public long? Seed { get; init; }
    /// <summary>The preview interval in steps.</summary>
    public long? PreviewEvery { get; init; }
    /// <summary>The samples in each preview (e.g. 64 images rather than 1024 points).</summary>
    public long? PreviewCount { get; init; }
    /// <summary>The final evaluation's sample count.</summary>
    public long? SampleCount { get; init; }
    /// <summary>The classifier-free guidance scale of previews and final samples (1 = none).</summary>
    public double? GuidanceScale { get; init; }
}

/// <summary>Other names that bind a row of <see cref="WellKnownSettings"/> (after its own name, in this order).</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class AlsoNamedAttribute(params string[] names) : Attribute
{
    /// <summary>The names.</summary>
    public IReadOnlyList<string> Names { get; } = names;
}

/// <summary>
/// How generated code turns an experiment's well-known properties (<see cref="WellKnownSettings"/>) into trainer
/// settings and plan values. The rest of the optimizer and its schedule come from the `Optimizer.*` settings
/// (<see cref="OptimizerAttribute"/>), the periodic evaluation from `Evaluate.*` (<see cref="EvaluateAttribute"/>) and
/// the filing of the run from `Tracker.*` (<see cref="TrackerAttribute"/>).
/// </summary>
public static class ExperimentConventions
{
    /// <summary>Trainer settings from the well-known properties and the `Optimizer.*` settings.</summary>
    public static TrainerOptions Trainer(WellKnownSettings settings, OptimizerSettings? optimizer = null)
    {
        var defaults = new TrainerOptions();
        long total = settings.TrainSteps ?? defaults.Steps;
        optimizer ??= new OptimizerSettings();
        if (settings.LearningRate is { } lr) optimizer = optimizer with { LearningRate = lr };
        return defaults with
        {
            Steps = total,
            LogEvery = settings.LogEvery ?? defaults.LogEvery,
            CheckpointEvery = settings.CheckpointEvery ?? Math.Max(1, total / 4),
            Optimizer = optimizer.Build(total),
            Ema = settings.EmaDecay is { } decay ? [new EmaOptions(decay, Warmup: true)] : defaults.Ema,
            PostHocEma = settings.PostHocEmaEvery is { } every and not 0 ? new Training.PostHocEma.PostHocEmaOptions(every) : null,
        };
    }

    /// <summary>The plan with the loader, preview, final-sample and guidance values the well-known properties give.</summary>
    public static ExperimentPlan Apply(WellKnownSettings settings, ExperimentPlan plan) => plan with
    {
        BatchSize = settings.BatchSize is { } batch ? checked((int)batch) : plan.BatchSize,
        Seed = settings.Seed ?? plan.Seed,
        PreviewEvery = settings.PreviewEvery ?? plan.PreviewEvery,
        PreviewCount = settings.PreviewCount is { } preview ? checked((int)preview) : plan.PreviewCount,
        FinalSampleCount = settings.SampleCount is { } samples ? checked((int)samples) : plan.FinalSampleCount,
        GuidanceScale = settings.GuidanceScale ?? plan.GuidanceScale,
    };
}
