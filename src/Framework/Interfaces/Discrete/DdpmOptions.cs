namespace Research.Framework.Interfaces.Discrete;

/// <summary>Options of <see cref="DdpmInterface"/>, with Ho et al.'s defaults (T = 1000, linear β, ε-prediction, the simple loss).</summary>
public sealed record DdpmOptions : InterfaceOptions
{
    /// <summary>The views a DDPM network can be trained to predict.</summary>
    public static readonly IReadOnlyList<PredictionView> Predictions = [PredictionView.Noise, PredictionView.Denoiser, PredictionView.V];

    /// <summary>T, the number of diffusion steps (≥ 2).</summary>
    public int TimeSteps { get; init; } = 1000;

    /// <summary>The β schedule.</summary>
    public BetaSchedule Schedule { get; init; } = BetaSchedule.Linear;

    /// <summary>What the network predicts: Noise (ε), Denoiser (x₀) or V (v = α·ε − σ·x₀).</summary>
    public PredictionView Prediction { get; init; } = PredictionView.Noise;

    /// <summary>
    /// γ of min-SNR loss weighting (Hang et al. 2023): each sample's loss is weighted so that its x₀ error counts
    /// min(SNR, γ) times; 0 (the default) is Ho et al.'s simple loss (unweighted MSE of the prediction).
    /// </summary>
    public double MinSnrGamma { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (TimeSteps < 2) throw new ArgumentOutOfRangeException(nameof(TimeSteps), TimeSteps, $"DdpmOptions.TimeSteps must be ≥ 2 (got {TimeSteps}).");
        if (!Enum.IsDefined(Schedule))
            throw new ArgumentOutOfRangeException(nameof(Schedule), Schedule, $"Unknown DdpmOptions.Schedule {Schedule}. Valid choices: {string.Join(", ", Enum.GetNames<BetaSchedule>())}.");
        if (!Predictions.Contains(Prediction))
            throw new ArgumentOutOfRangeException(nameof(Prediction), Prediction, $"DdpmOptions.Prediction {Prediction} is not a DDPM target. Valid choices: {string.Join(", ", Predictions)}.");
        OptionChecks.NonNegative(MinSnrGamma, "DdpmOptions.MinSnrGamma");
    }
}
