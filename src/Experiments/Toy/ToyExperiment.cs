using Research.Framework.Experiments;

namespace Research.Experiments.Toy;

/// <summary>
/// The knobs the 2-D toy experiments share. The generator reads them from every [Experiment] class deriving from
/// this one; by the naming convention of ExperimentConventions they drive the trainer (Steps, LearningRate, EmaDecay,
/// LogEvery) and the plan (BatchSize, Seed, PreviewEvery, SampleCount). The EMA model is evaluated every 1000 steps on
/// 1024 samples (SWD, MMD and their noise baselines; the Evaluate.* keys). The network (Network.*), the interface
/// (Interface.*), the sampler (Sampler.*, Grid.*) and the data come from each experiment's attributes; the rest of the
/// optimizer from Optimizer.*.
/// </summary>
[Evaluate(Every = 1000, Samples = 1024)]
public abstract class ToyExperiment
{
    /// <summary>Training steps.</summary>
    public long Steps { get; init; } = 4000;
    /// <summary>Batch size.</summary>
    [Sweep(128, 256)]
    public int BatchSize { get; init; } = 256;
    /// <summary>Peak learning rate (AdamW).</summary>
    [Sweep(1e-4, 3e-4, 1e-3)]
    public virtual double LearningRate { get; init; } = 1e-3;
    /// <summary>EMA decay of the sampling model.</summary>
    [SweepRange(0.99, 0.9999, Log = true)]
    public double EmaDecay { get; init; } = 0.999;
    /// <summary>Save post-hoc EMA snapshots (σ_rel 0.05 and 0.10) every this many steps, for eval --Ema.Std (0 = off).</summary>
    public long PostHocEmaEvery { get; init; }
    /// <summary>Seed of the data, the model's streams and the weights.</summary>
    public long Seed { get; init; }
    /// <summary>Log metrics every this many steps.</summary>
    public long LogEvery { get; init; } = 200;
    /// <summary>Preview scatter plots every this many steps.</summary>
    public long PreviewEvery { get; init; } = 1000;
    /// <summary>Final samples drawn for samples.npy and the metric.</summary>
    public int SampleCount { get; init; } = 4096;
}
