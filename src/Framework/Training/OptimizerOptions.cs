namespace Research.Framework.Training;

/// <summary>
/// AdamW settings. Defaults follow the reference (β₁ 0.9, β₂ 0.999, ε 1e-8, weight decay 0, constant 1e-4).
/// Note: TorchSharp's own AdamW default weight decay is also 0 (PyTorch's is 0.01); set it explicitly when you want it.
/// </summary>
public sealed record OptimizerOptions
{
    /// <summary>Peak learning rate (the schedule scales it).</summary>
    public double LearningRate { get; init; } = 1e-4;
    /// <summary>AdamW β₁.</summary>
    public double Beta1 { get; init; } = 0.9;
    /// <summary>AdamW β₂.</summary>
    public double Beta2 { get; init; } = 0.999;
    /// <summary>AdamW ε.</summary>
    public double Eps { get; init; } = 1e-8;
    /// <summary>Decoupled weight decay (0 = none).</summary>
    public double WeightDecay { get; init; }
    /// <summary>Clip the global gradient norm to this value; null = no clipping.</summary>
    public double? MaxGradNorm { get; init; }
    /// <summary>The learning-rate schedule.</summary>
    public LearningRateSchedule Schedule { get; init; } = new ConstantSchedule();

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> that names the bad setting and its range.</summary>
    public void Validate()
    {
        Require(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "a finite number > 0");
        Require(Beta1 >= 0 && Beta1 < 1, nameof(Beta1), Beta1, "in [0, 1)");
        Require(Beta2 >= 0 && Beta2 < 1, nameof(Beta2), Beta2, "in [0, 1)");
        Require(Eps > 0, nameof(Eps), Eps, "> 0");
        Require(WeightDecay >= 0 && double.IsFinite(WeightDecay), nameof(WeightDecay), WeightDecay, "a finite number ≥ 0");
        if (MaxGradNorm is { } clip) Require(clip > 0, nameof(MaxGradNorm), clip, "> 0 (or null for no clipping)");
    }

    static void Require(bool ok, string name, double value, string range)
    {
        if (!ok) throw new ArgumentOutOfRangeException(name, value, $"OptimizerOptions.{name} must be {range} (got {value}).");
    }
}
