namespace Research.Framework.Training;

/// <summary>The learning-rate schedule of <see cref="OptimizerSettings"/>.</summary>
public enum ScheduleKind
{
    /// <summary>The peak rate throughout.</summary>
    Constant,
    /// <summary>Linear warm-up to the peak, then constant.</summary>
    LinearWarmup,
    /// <summary>Linear warm-up, then a half cosine down to MinLearningRateRatio·peak at the last step.</summary>
    Cosine,
}

/// <summary>
/// The optimizer and its schedule as flat, primitive settings, so an experiment's `Optimizer.*` keys can be set by
/// <see cref="Experiments.OptimizerAttribute"/>, the command line and sweeps; <see cref="Build"/> turns them into the
/// <see cref="OptimizerOptions"/> the trainer takes.
/// </summary>
public sealed record OptimizerSettings
{
    /// <summary>AdamW's peak learning rate (an experiment's LearningRate property takes its place when it has one).</summary>
    public double LearningRate { get; init; } = new OptimizerOptions().LearningRate;
    /// <summary>AdamW β₁.</summary>
    public double Beta1 { get; init; } = new OptimizerOptions().Beta1;
    /// <summary>AdamW β₂.</summary>
    public double Beta2 { get; init; } = new OptimizerOptions().Beta2;
    /// <summary>AdamW ε.</summary>
    public double Eps { get; init; } = new OptimizerOptions().Eps;
    /// <summary>Decoupled weight decay (0 = none).</summary>
    public double WeightDecay { get; init; }
    /// <summary>Clip the global gradient norm to this value (null = no clipping).</summary>
    public double? MaxGradNorm { get; init; }
    /// <summary>The learning-rate schedule.</summary>
    public ScheduleKind Schedule { get; init; } = ScheduleKind.LinearWarmup;
    /// <summary>Warm-up steps, fewer than the training steps (null = min(200, training steps) for linear warm-up, min(200, steps / 10) for cosine).</summary>
    public long? WarmupSteps { get; init; }
    /// <summary>Cosine only: the final rate as a fraction of the peak.</summary>
    public double MinLearningRateRatio { get; init; }

    /// <summary>The optimizer for a run of <paramref name="totalSteps"/> steps; the result is validated.</summary>
    public OptimizerOptions Build(long totalSteps)
    {
        if (totalSteps < 1) throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, $"Training steps must be ≥ 1 (got {totalSteps}).");
        if (WarmupSteps is { } given && (given < 0 || given >= totalSteps))
            throw new ArgumentOutOfRangeException(nameof(WarmupSteps), given, $"Optimizer.WarmupSteps must be in [0, {totalSteps}) for a run of {totalSteps} steps (got {given}); null picks a default.");
        // Cosine needs room to decay after its warm-up; a linear warm-up may take a short run entirely.
        long warmup = WarmupSteps ?? (Schedule == ScheduleKind.Cosine ? Math.Min(200, totalSteps / 10) : Math.Min(200, totalSteps));
        LearningRateSchedule schedule = Schedule switch
        {
            ScheduleKind.Constant => new ConstantSchedule(),
            ScheduleKind.LinearWarmup => new LinearWarmupSchedule(warmup),
            ScheduleKind.Cosine => new CosineSchedule(warmup, totalSteps, MinLearningRateRatio),
            _ => throw new ArgumentOutOfRangeException(nameof(Schedule), Schedule, $"Unknown schedule; valid: {string.Join(", ", Enum.GetNames<ScheduleKind>())}."),
        };
        var options = new OptimizerOptions
        {
            LearningRate = LearningRate, Beta1 = Beta1, Beta2 = Beta2, Eps = Eps, WeightDecay = WeightDecay,
            MaxGradNorm = MaxGradNorm, Schedule = schedule,
        };
        options.Validate();
        return options;
    }
}
