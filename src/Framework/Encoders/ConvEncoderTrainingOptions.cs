namespace Research.Framework.Encoders;

/// <summary>
/// How <see cref="ConvEncoderTraining"/> fits the encoder's classification head and features: AdamW at a constant
/// rate on seeded shuffled batches. Part of the cache key.
/// </summary>
public sealed record ConvEncoderTrainingOptions
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
        if (Steps <= 0) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, $"ConvEncoderTrainingOptions.Steps must be > 0 (got {Steps}).");
        if (BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, $"ConvEncoderTrainingOptions.BatchSize must be > 0 (got {BatchSize}).");
        if (!(LearningRate > 0 && double.IsFinite(LearningRate)))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, $"ConvEncoderTrainingOptions.LearningRate must be a finite number > 0 (got {LearningRate}).");
    }
}
