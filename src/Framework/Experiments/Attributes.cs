namespace Research.Framework.Experiments;

// The attributes an experiment class carries. They are read at compile time by Research.Generators, which emits the
// settings table, the override parser, the composition, the sweep plan and the catalog; nothing reads them at run time.

/// <summary>
/// Marks a partial class as an experiment named <see cref="Name"/> (the command-line name and the runs folder).
/// Its XML doc summary is the description; its public settable/init properties of type int, long, double, float, bool,
/// string or an enum are its settings (key = property name, default = the initial value, help = the doc summary).
/// The component attributes ([Interface], [Network], [Sampler], [Dataset]) and the [Default]s may sit on an abstract
/// base class: the nearest attribute wins, and a class's own [Default] wins over its base's for the same key, so two
/// experiments can share a model and differ in size (dit-fashion-mnist and dit-fashion-mnist-full).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ExperimentAttribute(string name) : Attribute
{
    /// <summary>The experiment's name.</summary>
    public string Name { get; } = name;
}

/// <summary>
/// The interface (a subclass of <see cref="Interfaces.Interface"/> with a constructor
/// (IDiffusionNetwork, TimeDist, TOptions?)). The options record's primitive init properties become the
/// `Interface.&lt;Property&gt;` settings, the training-time distribution the `Interface.TimeDist` setting.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class InterfaceAttribute(Type type) : Attribute
{
    /// <summary>The interface type.</summary>
    public Type Type { get; } = type;
    /// <summary>The distribution of training times (the default of `Interface.TimeDist`; Uniform when left out, as the generator reads it).</summary>
    public Interfaces.TimeDist TrainTimeDist { get; set; }
}

/// <summary>
/// The network (an <see cref="Interfaces.IDiffusionNetwork"/> with a constructor taking one options record). The
/// record's primitive init properties become the `Network.&lt;Property&gt;` settings.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class NetworkAttribute(Type type) : Attribute
{
    /// <summary>The network type.</summary>
    public Type Type { get; } = type;
}

/// <summary>
/// The sampler (a subclass of <see cref="Samplers.Sampler"/> with a constructor (int steps, TimeGrid? grid = null, ...)).
/// <see cref="Steps"/> is the default of `Sampler.Steps`; the constructor's other primitive parameters with defaults
/// become `Sampler.&lt;Parameter&gt;` settings. <see cref="Grid"/> picks a <see cref="Samplers.TimeGrid"/> whose
/// constructor parameters become `Grid.&lt;Parameter&gt;` settings; without it the sampler's own default grid is used.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class SamplerAttribute(Type type) : Attribute
{
    /// <summary>The sampler type.</summary>
    public Type Type { get; } = type;
    /// <summary>Number of sampler steps (&gt; 0; 32 when left out, as the generator reads it).</summary>
    public int Steps { get; set; }
    /// <summary>The time grid type (UniformGrid, KarrasGrid), or null for the sampler's default grid.</summary>
    public Type? Grid { get; set; }
}

/// <summary>
/// The training data: an <see cref="Data.IDataset"/> whose constructor parameters all have defaults (primitive ones
/// become `Dataset.&lt;Parameter&gt;` settings), or one built by a factory <c>public static T Load(TOptions)</c> with a
/// parameterless-constructible options record (e.g. <see cref="Data.FashionMnist.Load"/>), whose settable primitive
/// properties become `Dataset.&lt;Property&gt;` settings.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class DatasetAttribute(Type type) : Attribute
{
    /// <summary>The dataset type.</summary>
    public Type Type { get; } = type;
}

/// <summary>
/// Overrides the default of a component setting, e.g. <c>[Default("Interface.TShiftBase", 2.0)]</c>. The key and the
/// value's type are checked at compile time. [Default]s on base classes apply too; the class's own win.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DefaultAttribute(string key, object value) : Attribute
{
    /// <summary>The dotted setting key.</summary>
    public string Key { get; } = key;
    /// <summary>The new default.</summary>
    public object Value { get; } = value;
}

/// <summary>
/// The optimizer (AdamW) and its learning-rate schedule: each named argument is the default of the
/// `Optimizer.&lt;Name&gt;` setting of <see cref="Training.OptimizerSettings"/>, e.g.
/// <c>[Optimizer(WeightDecay = 0.01, Schedule = ScheduleKind.Cosine)]</c>. Every experiment has the `Optimizer.*`
/// settings; the attribute only changes their defaults. On a base class it applies to every experiment deriving from it
/// (each named argument comes from the nearest attribute that sets it, the experiment's own first). An experiment with a LearningRate property sets the peak rate through it.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class OptimizerAttribute : Attribute
{
    // Keys only: each property names a setting of OptimizerSettings, whose record holds its default and meaning.
    /// <inheritdoc cref="Training.AdamWHyperparameters.LearningRate"/>
    public double LearningRate { get; set; }
    /// <inheritdoc cref="Training.AdamWHyperparameters.Beta1"/>
    public double Beta1 { get; set; }
    /// <inheritdoc cref="Training.AdamWHyperparameters.Beta2"/>
    public double Beta2 { get; set; }
    /// <inheritdoc cref="Training.AdamWHyperparameters.Eps"/>
    public double Eps { get; set; }
    /// <inheritdoc cref="Training.AdamWHyperparameters.WeightDecay"/>
    public double WeightDecay { get; set; }
    /// <inheritdoc cref="Training.AdamWHyperparameters.MaxGradNorm"/>
    public double MaxGradNorm { get; set; }
    /// <inheritdoc cref="Training.OptimizerSettings.Schedule"/>
    public Training.ScheduleKind Schedule { get; set; }
    /// <inheritdoc cref="Training.OptimizerSettings.WarmupSteps"/>
    public long WarmupSteps { get; set; }
    /// <inheritdoc cref="Training.OptimizerSettings.MinLearningRateRatio"/>
    public double MinLearningRateRatio { get; set; }
}

/// <summary>
/// The periodic evaluation on the EMA model during training: each named argument is the default of the
/// `Evaluate.&lt;Name&gt;` setting of <see cref="Evaluation.EvaluationSettings"/>, e.g.
/// <c>[Evaluate(Every = 1000, Samples = 1024, GuidanceScales = "1,2")]</c>. On a base class it applies to every
/// experiment deriving from it (each named argument comes from the nearest attribute that sets it, the experiment's own first).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class EvaluateAttribute : Attribute
{
    // Keys only: each property names a setting of EvaluationSettings, whose record holds its default and meaning.
    /// <inheritdoc cref="Evaluation.EvaluationSettings.Every"/>
    public long Every { get; set; }
    /// <inheritdoc cref="Evaluation.EvaluationSettings.Samples"/>
    public int Samples { get; set; }
    /// <inheritdoc cref="Evaluation.EvaluationSettings.GuidanceScales"/>
    public string? GuidanceScales { get; set; }
    /// <summary>
    /// Image data: an <see cref="Evaluation.IImageReferenceSource"/> type (e.g. <see cref="Evaluation.FashionMnistReferenceSource"/>)
    /// whose feature space and real-data statistics give FD, precision and recall; without one, image runs write samples but no numbers.
    /// </summary>
    public Type? Reference { get; set; }
    /// <inheritdoc cref="Evaluation.EvaluationSettings.ReferenceSteps"/>
    public int ReferenceSteps { get; set; }
    /// <inheritdoc cref="Evaluation.EvaluationSettings.CacheRoot"/>
    public string? CacheRoot { get; set; }
}

/// <summary>
/// Where runs are filed and which extra sinks they write: the named arguments are the defaults of the `Tracker.*`
/// settings of <see cref="Tracking.TrackingSettings"/> (Project, Name, Group, Tags, JobType, TensorBoard), and the types
/// are extra <see cref="Tracking.ITracker"/> sinks, each with a public constructor taking the run folder's path, e.g.
/// <c>[Tracker(typeof(MySink), Project = "flows")]</c>. The local run folder, the run index and (with WANDB_API_KEY)
/// W&amp;B are always on. On a base class it applies to every experiment deriving from it (each named argument from the nearest attribute that sets it; the sink types from the nearest attribute).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class TrackerAttribute(params Type[] sinks) : Attribute
{
    /// <summary>Extra sink types.</summary>
    public Type[] Sinks { get; } = sinks;
    // Keys only: each property below names a setting of TrackingSettings, whose record holds its default and meaning.
    /// <inheritdoc cref="Tracking.TrackingSettings.Project"/>
    public string? Project { get; set; }
    /// <inheritdoc cref="Tracking.TrackingSettings.Name"/>
    public string? Name { get; set; }
    /// <inheritdoc cref="Tracking.TrackingSettings.Group"/>
    public string? Group { get; set; }
    /// <inheritdoc cref="Tracking.TrackingSettings.Tags"/>
    public string? Tags { get; set; }
    /// <inheritdoc cref="Tracking.TrackingSettings.JobType"/>
    public string? JobType { get; set; }
    /// <inheritdoc cref="Tracking.TrackingSettings.TensorBoard"/>
    public bool TensorBoard { get; set; }
}

/// <summary>
/// Wraps the experiment's interface in REPA (<see cref="Interfaces.Repa{TInterface}"/>): the network's block features
/// are aligned with a frozen encoder's features of the clean data. The type is an
/// <see cref="Encoders.IFeatureEncoderSource"/> (e.g. <see cref="Encoders.FashionMnistEncoderSource"/>); the named
/// arguments are the defaults of the `Repa.*` settings of <see cref="Training.RepaSettings"/>. The interface must
/// have a score and the network must return block features (DiT does).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class RepaAttribute(Type encoderSource) : Attribute
{
    /// <summary>The encoder source type.</summary>
    public Type EncoderSource { get; } = encoderSource;
    // Keys only: each property below names a setting of RepaSettings, whose record holds its default and meaning.
    /// <inheritdoc cref="Interfaces.RepaOptions.LossWeight"/>
    public double LossWeight { get; set; }
    /// <inheritdoc cref="Interfaces.RepaOptions.Depth"/>
    public int Depth { get; set; }
    /// <inheritdoc cref="Interfaces.RepaOptions.ProjectionDim"/>
    public int ProjectionDim { get; set; }
    /// <inheritdoc cref="Training.RepaSettings.EncoderSteps"/>
    public int EncoderSteps { get; set; }
    /// <inheritdoc cref="Training.RepaSettings.CacheRoot"/>
    public string? CacheRoot { get; set; }
}

/// <summary>The values of a grid sweep over this property (each must have the property's type).</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class SweepAttribute(params object[] values) : Attribute
{
    /// <summary>The values.</summary>
    public object[] Values { get; } = values;
}

/// <summary>A continuous sweep range over this numeric property (sampled by the sweep runner; listed by the plan).</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class SweepRangeAttribute(double min, double max) : Attribute
{
    /// <summary>Lower end.</summary>
    public double Min { get; } = min;
    /// <summary>Upper end.</summary>
    public double Max { get; } = max;
    /// <summary>Sample on a log scale.</summary>
    public bool Log { get; set; }
}
