using Research.Experiments.Cli;
using Research.Framework.Data;
using Research.Framework.Experiments;
using Research.Framework.Interfaces;
using Research.Framework.Networks;
using Research.Framework.Samplers;
using Research.Framework.Training;

namespace Research.Experiments.Toy;

/// <summary>
/// The shared shape of the 2-D toy experiments: an unconditional <see cref="ToyMlp"/> trained on a procedural set,
/// sampled from its EMA, and scored by the sliced Wasserstein distance to fresh data (next to the same distance for
/// pure noise). Subclasses choose the interface, the sampler and the data.
/// </summary>
public abstract class ToyExperiment : IExperiment
{
    /// <summary>Training steps.</summary>
    public long Steps { get; set; } = 4000;
    /// <summary>Batch size.</summary>
    public int BatchSize { get; set; } = 256;
    /// <summary>Peak learning rate (AdamW).</summary>
    public double LearningRate { get; set; } = 1e-3;
    /// <summary>EMA decay of the sampling model.</summary>
    public double EmaDecay { get; set; } = 0.999;
    /// <summary>Width of the MLP.</summary>
    public int Hidden { get; set; } = 256;
    /// <summary>Hidden layers of the MLP.</summary>
    public int Depth { get; set; } = 3;
    /// <summary>Sampler steps.</summary>
    public int SamplerSteps { get; set; } = 32;
    /// <summary>Seed of the data, the model's streams and the weights.</summary>
    public long Seed { get; set; }
    /// <summary>Log interval means every this many steps.</summary>
    public long LogEvery { get; set; } = 200;
    /// <summary>Preview scatter plots every this many steps.</summary>
    public long PreviewEvery { get; set; } = 1000;
    /// <summary>Final samples drawn for samples.npy and the metric.</summary>
    public int SampleCount { get; set; } = 4096;

    /// <inheritdoc />
    public abstract string Name { get; }
    /// <inheritdoc />
    public abstract string Description { get; }

    /// <summary>The training data.</summary>
    protected virtual Toy2D Data() => new Checkerboard2D();
    /// <summary>Whether the network takes the jump dt (two-time models).</summary>
    protected virtual bool TakesDt => false;
    /// <summary>The interface around the network.</summary>
    protected abstract Interface Model(IDiffusionNetwork network);
    /// <summary>The sampler.</summary>
    protected abstract Sampler Sampler();

    /// <inheritdoc />
    public IReadOnlyList<Setting> Settings =>
    [
        Setting.Of("Steps", () => Steps, v => Steps = v, "training steps"),
        Setting.Of("BatchSize", () => BatchSize, v => BatchSize = v, "batch size"),
        Setting.Of("LearningRate", () => LearningRate, v => LearningRate = v, "peak learning rate (AdamW)"),
        Setting.Of("EmaDecay", () => EmaDecay, v => EmaDecay = v, "EMA decay of the sampling model"),
        Setting.Of("Hidden", () => Hidden, v => Hidden = v, "width of the MLP"),
        Setting.Of("Depth", () => Depth, v => Depth = v, "hidden layers of the MLP"),
        Setting.Of("SamplerSteps", () => SamplerSteps, v => SamplerSteps = v, "sampler steps"),
        Setting.Of("Seed", () => Seed, v => Seed = v, "seed of data, streams and weights"),
        Setting.Of("LogEvery", () => LogEvery, v => LogEvery = v, "log interval means every N steps"),
        Setting.Of("PreviewEvery", () => PreviewEvery, v => PreviewEvery = v, "preview plots every N steps"),
        Setting.Of("SampleCount", () => SampleCount, v => SampleCount = v, "final samples"),
    ];

    /// <inheritdoc />
    public ExperimentPlan Plan(IReadOnlyDictionary<string, string> overrides)
    {
        var network = new ToyMlp(new ToyMlpOptions { Hidden = Hidden, Depth = Depth, TakeDt = TakesDt, Seed = Seed });
        return new ExperimentPlan
        {
            Name = Name,
            Model = Model(network),
            Sampler = Sampler(),
            Dataset = Data(),
            BatchSize = BatchSize,
            Seed = Seed,
            Trainer = new TrainerOptions
            {
                Steps = Steps,
                LogEvery = LogEvery,
                CheckpointEvery = Math.Max(1, Steps / 4),
                Optimizer = new OptimizerOptions { LearningRate = LearningRate, Schedule = new LinearWarmupSchedule(Math.Min(200, Steps)) },
                Ema = [new EmaOptions(EmaDecay, Warmup: true)],
            },
            PreviewEvery = PreviewEvery,
            PreviewCount = 1024,
            FinalSampleCount = SampleCount,
            Config = Settings.ToDictionary(s => s.Key, s => (object?)s.Current()),
            Overrides = overrides,
        };
    }
}
