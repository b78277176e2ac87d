namespace Research.Framework.Training;

/// <summary>What the <see cref="Trainer"/> does and how often.</summary>
public sealed record TrainerOptions
{
    /// <summary>Total optimizer steps.</summary>
    public long Steps { get; init; } = 1000;
    /// <summary>Log interval means every this many steps.</summary>
    public long LogEvery { get; init; } = 100;
    /// <summary>Write a checkpoint every this many steps (and always at the end).</summary>
    public long CheckpointEvery { get; init; } = 1000;
    /// <summary>How many of the newest checkpoints to keep.</summary>
    public int KeepLastCheckpoints { get; init; } = 3;
    /// <summary>Keep checkpoints at multiples of this step forever (0 = none).</summary>
    public long KeepCheckpointsEvery { get; init; }
    /// <summary>Resume from the newest valid checkpoint in the run directory when there is one.</summary>
    public bool Resume { get; init; } = true;
    /// <summary>AdamW, gradient clipping and the learning-rate schedule.</summary>
    public OptimizerOptions Optimizer { get; init; } = new();
    /// <summary>EMA tracks; the first one is the model used for sampling and evaluation.</summary>
    public IReadOnlyList<EmaOptions> Ema { get; init; } = [new EmaOptions(0.9999)];
    /// <summary>
    /// Samples per forward/backward pass (null: the whole batch at once); it must divide the batch. The gradients of
    /// the micro-batches add up to the batch's, so the step is the same (<c>--MicroBatch</c>).
    /// </summary>
    public int? MicroBatch { get; init; }
    /// <summary>Post-hoc EMA (EDM2's power-function profiles saved at a cadence into phema/); null = off.</summary>
    public PostHocEma.PostHocEmaOptions? PostHocEma { get; init; }
    /// <summary>
    /// Every EMA track a checkpoint of this run holds: <see cref="Ema"/>, then the power-function profiles of
    /// <see cref="PostHocEma"/>. The first one is the sampling model (a power profile only when <see cref="Ema"/> is empty).
    /// </summary>
    public IReadOnlyList<EmaOptions> CheckpointedEma => [.. Ema, .. PostHocEma?.Tracks ?? []];
    /// <summary>The resolved configuration (JSON) stored in every checkpoint.</summary>
    public string ConfigJson { get; init; } = "{}";

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> that names the bad setting and its range.</summary>
    public void Validate()
    {
        Positive(Steps, nameof(Steps));
        Positive(LogEvery, nameof(LogEvery));
        Positive(CheckpointEvery, nameof(CheckpointEvery));
        Positive(KeepLastCheckpoints, nameof(KeepLastCheckpoints));
        if (KeepCheckpointsEvery < 0) Positive(KeepCheckpointsEvery, nameof(KeepCheckpointsEvery));
        if (MicroBatch is < 1) Positive(MicroBatch.Value, nameof(MicroBatch));
        Optimizer.Validate();
        PostHocEma?.Validate();
        foreach (var ema in Ema)
            if (ema.PowerStd is null && !(ema.Decay > 0 && ema.Decay < 1))   // also refuses NaN
                throw new ArgumentException($"EmaDecay must be in (0, 1), got {ema.Decay.ToString(System.Globalization.CultureInfo.InvariantCulture)} (track {ema.TrackName}).");
        var names = CheckpointedEma.Select(e => e.TrackName).ToArray();
        if (names.Distinct().Count() != names.Length)
            throw new ArgumentException($"TrainerOptions.Ema has tracks with the same name: {string.Join(", ", names)}.");
    }

    static void Positive(long value, string name)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(name, value, $"TrainerOptions.{name} must be > 0 (got {value}).");
    }
}
