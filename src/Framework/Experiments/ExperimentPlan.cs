using Research.Framework.Compute;
using Research.Framework.Data;
using Research.Framework.Evaluation;
using Research.Framework.Interfaces;
using Research.Framework.Samplers;
using Research.Framework.Tracking;
using Research.Framework.Training;
using static TorchSharp.torch;

namespace Research.Framework.Experiments;

/// <summary>
/// Everything one run needs, resolved: the model (interface around its network), the sampler, the data, the
/// trainer settings and the evaluation sizes. Experiment classes (and, later, generated code) build one of these.
/// </summary>
public sealed record ExperimentPlan
{
    /// <summary>The experiment's name (the runs folder's name).</summary>
    public required string Name { get; init; }
    /// <summary>The interface around the network.</summary>
    public required Interface Model { get; init; }
    /// <summary>The sampler for previews and final samples.</summary>
    public required Sampler Sampler { get; init; }
    /// <summary>The training data.</summary>
    public required IDataset Dataset { get; init; }
    /// <summary>Training settings.</summary>
    public required TrainerOptions Trainer { get; init; }
    /// <summary>Batch size of the data loader.</summary>
    public int BatchSize { get; init; } = 256;
    /// <summary>Seed of the data loader (the model's streams have their own seed in its options).</summary>
    public long Seed { get; init; }

    /// <summary>The seeds derived from <see cref="Seed"/> (loader, reference, preview, final, periodic).</summary>
    public RunSeeds Seeds => RunSeeds.From(Seed);
    /// <summary>Write preview samples every this many steps (0 = only at the end).</summary>
    public long PreviewEvery { get; init; } = 1000;
    /// <summary>How many samples a preview shows.</summary>
    public int PreviewCount { get; init; } = 1024;
    /// <summary>How many samples the final evaluation draws (saved as samples.npy).</summary>
    public int FinalSampleCount { get; init; } = 4096;
    /// <summary>
    /// Periodic evaluations on the EMA model during training (guidance scale, sample count, interval), each logged as
    /// eval/&lt;metric&gt;[_g&lt;guidance&gt;] with its protocol; empty = only the final evaluation.
    /// </summary>
    public IReadOnlyList<EvaluationSchedule> Evaluations { get; init; } = [];
    /// <summary>Image data only: the feature extractor and reference statistics its metrics need (null = samples only, no numbers).</summary>
    public ImageReference? ImageReference { get; init; }
    /// <summary>How previews, final samples and eval are guided: scale, interval and guide (<c>--GuidanceScale</c>, <c>--GuidanceMin</c>, <c>--GuidanceMax</c>, <c>--Guide</c>).</summary>
    public GuidanceSettings Guidance { get; init; } = new();
    /// <summary>Classifier-free guidance scale for previews and final samples (<see cref="Guidance"/>'s scale).</summary>
    public double GuidanceScale
    {
        get => Guidance.GuidanceScale;
        init => Guidance = Guidance with { GuidanceScale = value };
    }
    /// <summary>Where the run is filed (W&amp;B project, group, tags, job type) and whether it writes TensorBoard files.</summary>
    public TrackingSettings Tracking { get; init; } = new();
    /// <summary>Threads, device and micro-batch of the run (<c>--Threads</c>, <c>--Device</c>, <c>--MicroBatch</c>).</summary>
    public ComputeSettings Compute { get; init; } = new();
    /// <summary>Extra sinks (an experiment's [Tracker(typeof(T))] types), each built from the run folder's path.</summary>
    public IReadOnlyList<Func<string, ITracker>> TrackerSinks { get; init; } = [];
    /// <summary>The resolved configuration, recorded in config.json.</summary>
    public IReadOnlyDictionary<string, object?> Config { get; init; } = new Dictionary<string, object?>();
    /// <summary>The class defaults of every setting (as text), so config.json can record what a run changed.</summary>
    public IReadOnlyDictionary<string, string> Defaults { get; init; } = new Dictionary<string, string>();
    /// <summary>Each setting's type name (<see cref="Setting.Type"/>), so config.json stores numbers and booleans as JSON numbers and booleans (<see cref="SettingJson"/>).</summary>
    public IReadOnlyDictionary<string, string> SettingTypes { get; init; } = new Dictionary<string, string>();
    /// <summary>The values given on the command line, recorded next to their defaults.</summary>
    public IReadOnlyDictionary<string, string> Overrides { get; init; } = new Dictionary<string, string>();
    /// <summary>Whether the run samples the untrained network once before step 1 (<c>Runs.Preflight</c>); `run --skip-preflight` turns it off.</summary>
    public bool Preflight { get; init; } = true;
    /// <summary>The sweep this run is a trial of (recorded as config.json's <c>sweep_id</c>, which the run store indexes); null outside sweeps.</summary>
    public string? SweepId { get; init; }
    /// <summary>Which trial of that sweep this run is (config.json's <c>trial</c>: its number and parameters), so <c>sweep --repair</c> can rebuild a lost trial store from the run folders; null outside sweeps.</summary>
    public SweepTrialIdentity? Trial { get; init; }

    /// <summary>
    /// Checks every size and rate before anything is written (a run folder, a store row): the trainer's options
    /// (steps, cadences, optimizer, EMA decays) and the plan's own sizes. Throws an <see cref="ArgumentException"/>
    /// whose one-line message names the setting and its valid range.
    /// </summary>
    public ExperimentPlan Validate()
    {
        Trainer.Validate();
        AtLeastOne(BatchSize, nameof(BatchSize));
        Compute.Validate(BatchSize);
        if (Model.DType is ScalarType.BFloat16 or ScalarType.Float16)
            throw new ArgumentException($"Interface.DType {Model.DType} would train in 16 bits throughout: the weights, AdamW's moments and the EMA tracks " +
                "(an EMA with decay 0.9999 cannot move in a 16-bit mantissa). Keep Interface.DType Float32 and use --Precision bf16: " +
                "mixed precision, a bf16 network with float32 master weights, AdamW state and EMA.");
        Guidance.Validate();
        AtLeastOne(FinalSampleCount, "SampleCount");
        AtLeastOne(PreviewCount, nameof(PreviewCount));
        if (PreviewEvery < 0) throw new ArgumentException($"PreviewEvery must be ≥ 0 (0: no previews), got {PreviewEvery}.");
        ClassCountCheck.Check(Dataset, Model.Network.NumClasses);
        return this;
    }

    static void AtLeastOne(long value, string name)
    {
        if (value < 1) throw new ArgumentException($"{name} must be ≥ 1 (got {value}).");
    }
}
