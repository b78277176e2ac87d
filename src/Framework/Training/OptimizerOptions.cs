namespace Research.Framework.Training;

/// <summary>
/// AdamW's hyperparameters, declared once: the trainer's <see cref="OptimizerOptions"/> and the experiments' flat
/// <see cref="OptimizerSettings"/> (the `Optimizer.*` keys) both derive from this record. Defaults follow the reference
/// (β₁ 0.9, β₂ 0.999, ε 1e-8, weight decay 0, peak rate 1e-4). Note: TorchSharp's own AdamW default weight decay is
/// also 0 (PyTorch's is 0.01); set it explicitly when you want it.
/// </summary>
public abstract record AdamWHyperparameters
{
    /// <summary>Peak learning rate (the schedule scales it; an experiment's LearningRate property takes its place when it has one).</summary>
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

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> that names the bad setting (as Type.Name) and its range.</summary>
    public void Validate()
    {
        Require(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "a finite number > 0");
        Require(Beta1 >= 0 && Beta1 < 1, nameof(Beta1), Beta1, "in [0, 1)");
        Require(Beta2 >= 0 && Beta2 < 1, nameof(Beta2), Beta2, "in [0, 1)");
        Require(Eps > 0, nameof(Eps), Eps, "> 0");
        Require(WeightDecay >= 0 && double.IsFinite(WeightDecay), nameof(WeightDecay), WeightDecay, "a finite number ≥ 0");
        if (MaxGradNorm is { } clip) Require(clip > 0, nameof(MaxGradNorm), clip, "> 0 (or null for no clipping)");
    }

    void Require(bool ok, string name, double value, string range)
    {
        if (!ok) throw new ArgumentOutOfRangeException(name, value, $"{GetType().Name}.{name} must be {range} (got {value}).");
    }
}

/// <summary>The optimizer the trainer takes: AdamW's hyperparameters and a learning-rate schedule object.</summary>
public sealed record OptimizerOptions : AdamWHyperparameters
{
    /// <summary>Defaults throughout.</summary>
    public OptimizerOptions() { }

    /// <summary>The given hyperparameters with <paramref name="schedule"/>.</summary>
    public OptimizerOptions(AdamWHyperparameters hyperparameters, LearningRateSchedule schedule) : base(hyperparameters) => Schedule = schedule;

    /// <summary>The learning-rate schedule.</summary>
    public LearningRateSchedule Schedule { get; init; } = new ConstantSchedule();
}
