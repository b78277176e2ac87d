using Research.Framework.Interfaces;

namespace Research.Framework.Training;

/// <summary>
/// REPA as flat settings (`Repa.*`, set by <see cref="Experiments.RepaAttribute"/>, the command line and sweeps): the
/// <see cref="RepaOptions"/> it extends (declared there once, with their defaults) plus where the encoder is cached and
/// how long it trains on a cache miss.
/// </summary>
public sealed record RepaSettings : RepaOptions
{
    /// <summary>Training steps of the encoder when it is not cached yet.</summary>
    public int EncoderSteps { get; init; } = new ClassifierTrainingOptions().Steps;
    /// <summary>The folder whose .cache/encoders holds trained encoders (relative to the working directory; "runs" by default, whatever --runs-dir says).</summary>
    public string CacheRoot { get; init; } = "runs";

    /// <summary>The options of the <see cref="Repa{TInterface}"/> wrapper: these settings, seen as the options they extend.</summary>
    public RepaOptions Options() => this;
}
