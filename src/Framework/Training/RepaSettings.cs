using Research.Framework.Interfaces;

namespace Research.Framework.Training;

/// <summary>
/// REPA as flat settings (`Repa.*`, set by <see cref="Experiments.RepaAttribute"/>, the command line and sweeps): the
/// <see cref="RepaOptions"/> it extends (declared there once, with their defaults) plus which encoder gives the
/// targets, where the offline encoder is cached and how long it trains on a cache miss.
/// </summary>
public sealed record RepaSettings : RepaOptions
{
    /// <summary>The encoder whose features are the targets: source (the experiment's offline encoder, the default) or dinov2 (a DINOv2 ViT from Repa.EncoderWeights).</summary>
    public RepaEncoder Encoder { get; init; } = RepaEncoder.Source;
    /// <summary>The DINOv2 weights for Repa.Encoder dinov2: a Hugging Face Dinov2Model model.safetensors (e.g. facebook/dinov2-base), its config.json beside it (empty = none).</summary>
    public string EncoderWeights { get; init; } = "";
    /// <summary>The side images are resized to (bicubic) before DINOv2 encodes them (REPA: 224 for 256-pixel images).</summary>
    public int EncoderResolution { get; init; } = 224;
    /// <summary>Training steps of the encoder when it is not cached yet.</summary>
    public int EncoderSteps { get; init; } = new ClassifierTrainingOptions().Steps;
    /// <summary>The folder whose .cache/encoders holds trained encoders (relative to the working directory; "runs" by default, whatever --runs-dir says).</summary>
    public string CacheRoot { get; init; } = "runs";

    /// <summary>The options of the <see cref="Repa{TInterface}"/> wrapper: these settings, seen as the options they extend.</summary>
    public RepaOptions Options() => this;
}

/// <summary>Where REPA's target features come from (<see cref="RepaSettings.Encoder"/>).</summary>
public enum RepaEncoder
{
    /// <summary>The experiment's encoder source (its [Repa] attribute): an offline encoder, cached (the Fashion-MNIST CNN).</summary>
    Source,
    /// <summary>A DINOv2 ViT loaded from <see cref="RepaSettings.EncoderWeights"/>, as the REPA paper uses.</summary>
    Dinov2,
}
