using Research.Framework.Evaluation;
using Research.Framework.Experiments;

namespace Research.Experiments.Images;

/// <summary>
/// The Fashion-MNIST experiments' base: the shared knobs of <see cref="ImageSettings"/>, measured (FD, precision,
/// recall) in the feature space of the offline Fashion-MNIST feature network against the 10,000 test images; the
/// network trains once (about 90 s on 2 cores) and is cached under runs/.cache. The images are padded to
/// 32×32 (Dataset.PadTo32), so a DiT with patch 4 sees 8×8 = 64 tokens. The defaults come from an
/// <see cref="ImagePreset"/>: <see cref="ImagePreset.Cpu"/> for the experiments a CPU runs in minutes,
/// <see cref="ImagePreset.Full"/> for the *-full ones.
/// </summary>
[Evaluate(Reference = typeof(FashionMnistReferenceSource))]
public abstract class ImageExperiment(ImagePreset preset) : ImageSettings(preset);

/// <summary>
/// The knobs every image experiment shares (read by the generator from every [Experiment] class deriving from this
/// one, by the naming convention of ExperimentConventions): trainer (Steps, LearningRate, EmaDecay, LogEvery) and
/// plan (BatchSize, Seed, PreviewEvery, PreviewCount, SampleCount, GuidanceScale); periodic evaluation is off unless
/// Evaluate.Every is set. The reference the samples are measured against is each experiment's [Evaluate].
/// </summary>
public abstract class ImageSettings(ImagePreset preset)
{
    /// <summary>Training steps.</summary>
    public long Steps { get; init; } = preset.Steps;
    /// <summary>Batch size.</summary>
    [Sweep(64, 128)]
    public int BatchSize { get; init; } = preset.BatchSize;
    /// <summary>Peak learning rate (AdamW).</summary>
    [Sweep(1e-4, 3e-4)]
    public double LearningRate { get; init; } = preset.LearningRate;
    /// <summary>EMA decay of the sampling model.</summary>
    public double EmaDecay { get; init; } = preset.EmaDecay;
    /// <summary>Save post-hoc EMA snapshots (σ_rel 0.05 and 0.10) every this many steps, for eval --Ema.Std (0 = off).</summary>
    public long PostHocEmaEvery { get; init; }
    /// <summary>Seed of the data, the model's streams and the weights.</summary>
    public long Seed { get; init; }
    /// <summary>Log metrics every this many steps.</summary>
    public long LogEvery { get; init; } = 100;
    /// <summary>Preview image grids every this many steps.</summary>
    public long PreviewEvery { get; init; } = preset.PreviewEvery;
    /// <summary>Images in each preview grid.</summary>
    public int PreviewCount { get; init; } = preset.PreviewCount;
    /// <summary>Final samples drawn for samples.npy (and the final FD).</summary>
    public int SampleCount { get; init; } = preset.SampleCount;
    /// <summary>Classifier-free guidance scale of previews and final samples (1 = no guidance).</summary>
    public virtual double GuidanceScale { get; init; } = 1.0;
}

/// <summary>
/// The class settings that size an image experiment. The network's size and the sampler's steps are [Default]s of
/// each experiment class; these are the rest.
/// </summary>
public sealed record ImagePreset(long Steps, int BatchSize, double LearningRate, double EmaDecay, long PreviewEvery, int PreviewCount, int SampleCount)
{
    /// <summary>
    /// Recognisable samples on 2 CPU cores in about 20 minutes (README, "Image experiments"): 3,000 steps at a higher
    /// rate, an EMA over the last ~1,000 steps (0.9999 would still hold the first ones), 500 final samples.
    /// </summary>
    public static ImagePreset Cpu { get; } = new(Steps: 3000, BatchSize: 64, LearningRate: 1e-3, EmaDecay: 0.999, PreviewEvery: 500, PreviewCount: 40, SampleCount: 500);

    /// <summary>The full size: 20,000 steps at batch 128, 1,000 final samples.</summary>
    public static ImagePreset Full { get; } = new(Steps: 20000, BatchSize: 128, LearningRate: 1e-4, EmaDecay: 0.9999, PreviewEvery: 2000, PreviewCount: 64, SampleCount: 1000);

    /// <summary>dit-imagefolder's start: 5,000 steps at batch 32, 256 final samples (the reference's sample count).</summary>
    public static ImagePreset Folder { get; } = new(Steps: 5000, BatchSize: 32, LearningRate: 3e-4, EmaDecay: 0.999, PreviewEvery: 500, PreviewCount: 32, SampleCount: 256);
}
