namespace Research.Framework.Experiments;

// The attributes an experiment class carries. They are read at compile time by Research.Generators, which emits the
// settings table, the override parser, the composition, the sweep plan and the catalog; nothing reads them at run time.

/// <summary>
/// Marks a partial class as an experiment named <see cref="Name"/> (the command-line name and the runs folder).
/// Its XML doc summary is the description; its public settable/init properties of type int, long, double, float, bool,
/// string or an enum are its settings (key = property name, default = the initial value, help = the doc summary).
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
    /// <summary>The distribution of training times (the default of `Interface.TimeDist`).</summary>
    public Interfaces.TimeDist TrainTimeDist { get; set; } = Interfaces.TimeDist.Uniform;
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
    /// <summary>Number of sampler steps (&gt; 0).</summary>
    public int Steps { get; set; } = 32;
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
/// value's type are checked at compile time.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DefaultAttribute(string key, object value) : Attribute
{
    /// <summary>The dotted setting key.</summary>
    public string Key { get; } = key;
    /// <summary>The new default.</summary>
    public object Value { get; } = value;
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
