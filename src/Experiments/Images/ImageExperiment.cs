using Research.Framework.Evaluation;
using Research.Framework.Experiments;

namespace Research.Experiments.Images;

/// <summary>
/// The knobs the Fashion-MNIST experiments share (read by the generator from every [Experiment] class deriving from
/// this one, by the naming convention of ExperimentConventions): trainer (Steps, LearningRate, EmaDecay, LogEvery) and
/// plan (BatchSize, Seed, PreviewEvery, PreviewCount, SampleCount, GuidanceScale); periodic evaluation is off unless
/// Evaluate.Every is set. Sample quality (FD, precision, recall) is measured in the feature space of the offline
/// Fashion-MNIST feature network against the 10,000 test images; the network trains once (about 90 s on 2 cores)
/// and is cached under runs/.cache. The images are padded to
/// 32×32 (Dataset.PadTo32), so a DiT with patch 4 sees 8×8 = 64 tokens.
/// </summary>
[Evaluate(Reference = typeof(FashionMnistReferenceSource))]
public abstract class ImageExperiment
{
    /// <summary>Training steps.</summary>
    public long Steps { get; init; } = 20000;
    /// <summary>Batch size.</summary>
    [Sweep(64, 128)]
    public int BatchSize { get; init; } = 128;
    /// <summary>Peak learning rate (AdamW).</summary>
    [Sweep(1e-4, 3e-4)]
    public double LearningRate { get; init; } = 1e-4;
    /// <summary>EMA decay of the sampling model.</summary>
    public double EmaDecay { get; init; } = 0.9999;
    /// <summary>Save post-hoc EMA snapshots (σ_rel 0.05 and 0.10) every this many steps, for eval --Ema.Std (0 = off).</summary>
    public long PostHocEmaEvery { get; init; }
    /// <summary>Seed of the data, the model's streams and the weights.</summary>
    public long Seed { get; init; }
    /// <summary>Log metrics every this many steps.</summary>
    public long LogEvery { get; init; } = 100;
    /// <summary>Preview image grids every this many steps.</summary>
    public long PreviewEvery { get; init; } = 2000;
    /// <summary>Images in each preview grid.</summary>
    public int PreviewCount { get; init; } = 64;
    /// <summary>Final samples drawn for samples.npy.</summary>
    public int SampleCount { get; init; } = 1000;
    /// <summary>Classifier-free guidance scale of previews and final samples (1 = no guidance).</summary>
    public virtual double GuidanceScale { get; init; } = 1.0;
}
