namespace Research.Framework.Training;

/// <summary>
/// How <see cref="ClassifierTraining"/> fits a small classifier (the feature nets of REPA and of evaluation):
/// AdamW at a constant rate on seeded shuffled batches. Part of the cache keys of the nets it trains.
/// </summary>
public sealed record ClassifierTrainingOptions
{
    /// <summary>Optimizer steps.</summary>
    public int Steps { get; init; } = 500;
    /// <summary>Images per step.</summary>
    public int BatchSize { get; init; } = 128;
    /// <summary>AdamW's learning rate.</summary>
    public double LearningRate { get; init; } = 2e-3;
    /// <summary>Seed of the batch order.</summary>
    public long Seed { get; init; }

    /// <summary>Throws an error naming the bad option.</summary>
    public void Validate()
    {
        if (Steps <= 0) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, $"ClassifierTrainingOptions.Steps must be > 0 (got {Steps}).");
        if (BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, $"ClassifierTrainingOptions.BatchSize must be > 0 (got {BatchSize}).");
        if (!(LearningRate > 0 && double.IsFinite(LearningRate)))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, $"ClassifierTrainingOptions.LearningRate must be a finite number > 0 (got {LearningRate}).");
    }
}
