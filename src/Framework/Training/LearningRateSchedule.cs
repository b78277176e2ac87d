namespace Research.Framework.Training;

/// <summary>
/// The learning rate as a pure function of the step, so resuming from a checkpoint needs only the step.
/// </summary>
public abstract record LearningRateSchedule
{
    /// <summary>The learning rate for optimizer step <paramref name="step"/> (0-based) given the peak rate.</summary>
    public abstract double At(long step, double peak);

    /// <summary>
    /// Parses "constant", "linear_warmup" and "cosine" (any case, '-' or '_'), with the warmup and total steps
    /// given separately; unknown names fail with the list of choices.
    /// </summary>
    public static LearningRateSchedule Parse(string name, long warmupSteps = 0, long totalSteps = 0, double minRatio = 0) =>
        name.Replace("-", "").Replace("_", "").ToLowerInvariant() switch
        {
            "constant" => new ConstantSchedule(),
            "linearwarmup" or "warmup" => new LinearWarmupSchedule(warmupSteps),
            "cosine" or "cosinewarmup" => new CosineSchedule(warmupSteps, totalSteps, minRatio),
            _ => throw new ArgumentException($"Unknown learning-rate schedule '{name}'. Valid choices: 'constant', 'linear_warmup', 'cosine'.", nameof(name)),
        };
}

/// <summary>The peak rate at every step (the reference's default).</summary>
public sealed record ConstantSchedule : LearningRateSchedule
{
    /// <inheritdoc />
    public override double At(long step, double peak) => peak;
}

/// <summary>Linear warmup from peak/WarmupSteps to the peak over WarmupSteps steps, then constant.</summary>
public sealed record LinearWarmupSchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule; WarmupSteps ≥ 0.</summary>
    public LinearWarmupSchedule(long warmupSteps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        WarmupSteps = warmupSteps;
    }

    /// <summary>Steps of the warmup.</summary>
    public long WarmupSteps { get; }

    /// <inheritdoc />
    public override double At(long step, double peak) => peak * Warmup.Factor(step, WarmupSteps);
}

/// <summary>Linear warmup, then a half cosine from the peak down to MinRatio·peak at TotalSteps.</summary>
public sealed record CosineSchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule; 0 ≤ WarmupSteps &lt; TotalSteps, MinRatio in [0, 1].</summary>
    public CosineSchedule(long warmupSteps, long totalSteps, double minRatio = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        if (totalSteps <= warmupSteps)
            throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, $"The cosine schedule needs TotalSteps ({totalSteps}) > WarmupSteps ({warmupSteps}).");
        if (!(minRatio >= 0 && minRatio <= 1))
            throw new ArgumentOutOfRangeException(nameof(minRatio), minRatio, $"The cosine schedule's MinRatio must lie in [0, 1] (got {minRatio}).");
        (WarmupSteps, TotalSteps, MinRatio) = (warmupSteps, totalSteps, minRatio);
    }

    /// <summary>Steps of the warmup.</summary>
    public long WarmupSteps { get; }
    /// <summary>The step at which the rate reaches MinRatio·peak.</summary>
    public long TotalSteps { get; }
    /// <summary>The final rate as a fraction of the peak.</summary>
    public double MinRatio { get; }

    /// <inheritdoc />
    public override double At(long step, double peak)
    {
        if (step < WarmupSteps) return peak * Warmup.Factor(step, WarmupSteps);
        double progress = Math.Min(1.0, (step - WarmupSteps) / (double)(TotalSteps - WarmupSteps));
        return peak * (MinRatio + (1 - MinRatio) * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }
}

static class Warmup
{
    /// <summary>(step + 1)/warmup during the warmup (never a zero rate), 1 after.</summary>
    public static double Factor(long step, long warmupSteps) => step < warmupSteps ? (step + 1) / (double)warmupSteps : 1.0;
}
