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
/// The optimizer and its schedule as flat, primitive settings: the one declaration of the `Optimizer.*` keys and their
/// defaults (AdamW's from <see cref="AdamWHyperparameters"/>, the schedule's here), which
/// <see cref="Experiments.OptimizerAttribute"/>, the command line and sweeps set; <see cref="Build"/> turns them into
/// the <see cref="OptimizerOptions"/> the trainer takes.
/// </summary>
public sealed record OptimizerSettings : AdamWHyperparameters
{
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
        var options = new OptimizerOptions(this, schedule);
        options.Validate();
        return options;
    }
}
