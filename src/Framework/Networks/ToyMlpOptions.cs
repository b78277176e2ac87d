using System.Text.Json.Serialization;

namespace Research.Framework.Networks;

/// <summary>The shape of a <see cref="ToyMlp"/>.</summary>
public sealed record ToyMlpOptions
{
    /// <summary>The data dimension (the product of a sample's shape; inputs (B, ...) are flattened).</summary>
    public int Dim { get; init; } = 2;

    /// <summary>The hidden width.</summary>
    public int Hidden { get; init; } = 256;

    /// <summary>The number of hidden Linear(H, H) layers.</summary>
    public int Depth { get; init; } = 3;

    /// <summary>The width of the frequency embedding of t (and dt).</summary>
    public int FrequencyEmbedSize { get; init; } = 64;

    /// <summary>
    /// The embedders see s·t (and s·dt); null: 1 for a model that takes dt (raw times), 1000 otherwise.
    /// </summary>
    /// <remarks>
    /// With raw t ∈ [0, 1] the 10000-period frequencies barely change over t, so one-time toys use s = 1000 (as
    /// discrete-time DDPM models do). A model that takes dt (MeanFlow) uses raw times, as the reference and the MeanFlow
    /// paper do: its training target differentiates the network along t, and s = 1000 puts frequencies up to 1000 rad
    /// per unit time into the embedding, so du/dt is dominated by them (‖u − target‖² in the hundreds instead of ≈ 0.2 on
    /// Gaussian data) and the one-step jump never learns its dt dependence.
    /// </remarks>
    public double? TimeScale { get; init; }

    /// <summary>The scale in use: <see cref="TimeScale"/>, else 1 for a model that takes dt and 1000 otherwise.</summary>
    public double ResolvedTimeScale => TimeScale ?? (TakeDt ? 1 : 1000);

    /// <summary>Whether the model takes dt (MeanFlow).</summary>
    public bool TakeDt { get; init; }

    /// <summary>
    /// Whether the model has a per-time log-variance head (<see cref="LogVarianceHead"/>) for uncertainty-weighted losses
    /// (EDM2, sCM's adaptive weight). Off unless asked for.
    /// </summary>
    public bool LogVarianceHead { get; init; }

    /// <summary>K classes for a conditional toy (null label K), or null.</summary>
    public int? NumClasses { get; init; }

    /// <summary>The training-mode label drop rate.</summary>
    public double ClassDropoutProb { get; init; } = 0.1;

    /// <summary>The initialisation seed (label-dropout fallback generator: seed + 4).</summary>
    public long Seed { get; init; }

    /// <summary>
    /// A <c>.safetensors</c> file this framework saved that a new run starts from instead of the seeded init ("" = none);
    /// read once when the run starts (not on resume or eval).
    /// </summary>
    [JsonIgnore]
    public string InitFrom { get; init; } = "";

    /// <summary>Throws on shapes the model cannot build.</summary>
    public void Validate()
    {
        if (Dim <= 0 || Hidden <= 0 || Depth < 0 || FrequencyEmbedSize <= 0)
            throw new ArgumentException($"Dim, Hidden and FrequencyEmbedSize must be positive and Depth non-negative (got {Dim}, {Hidden}, {FrequencyEmbedSize}, {Depth})");
        if (TimeScale is { } scale && !(scale > 0 && double.IsFinite(scale)))
            throw new ArgumentException($"TimeScale must be a finite number > 0 or null (1 with dt, 1000 without), got {scale}");
        if (NumClasses is <= 0) throw new ArgumentException($"NumClasses must be positive or null, got {NumClasses}");
        if (ClassDropoutProb is < 0 or > 1) throw new ArgumentException($"ClassDropoutProb must lie in [0, 1], got {ClassDropoutProb}");
    }
}
