using Research.Framework.Interfaces;

namespace Research.Framework.Training;

/// <summary>
/// REPA as flat settings (`Repa.*`, set by <see cref="Experiments.RepaAttribute"/>, the command line and sweeps): the
/// <see cref="RepaOptions"/> plus where the encoder is cached and how long it trains on a cache miss. It lives in Training,
/// not next to <see cref="RepaOptions"/>, because the encoder's training length comes from <see cref="ClassifierTrainingOptions"/>
/// and Interfaces sits below Training.
/// </summary>
public sealed record RepaSettings
{
    /// <summary>Weight of the alignment term: loss = diffusion + LossWeight·repa.</summary>
    public double LossWeight { get; init; } = new RepaOptions().LossWeight;
    /// <summary>The block (1-based) whose features are aligned.</summary>
    public int Depth { get; init; } = new RepaOptions().Depth;
    /// <summary>Width of the projector MLP.</summary>
    public int ProjectionDim { get; init; } = new RepaOptions().ProjectionDim;
    /// <summary>Training steps of the encoder when it is not cached yet.</summary>
    public int EncoderSteps { get; init; } = new ClassifierTrainingOptions().Steps;
    /// <summary>The folder whose .cache/encoders holds trained encoders (relative to the working directory; "runs" by default, whatever --runs-dir says).</summary>
    public string CacheRoot { get; init; } = "runs";

    /// <summary>The options of the <see cref="Repa{TInterface}"/> wrapper.</summary>
    public RepaOptions Options() => new() { LossWeight = LossWeight, Depth = Depth, ProjectionDim = ProjectionDim };
}
