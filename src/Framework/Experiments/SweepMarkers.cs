using Research.Framework.Sweeps;

namespace Research.Framework.Experiments;

/// <summary>
/// An experiment class's sweep markers, emitted once by the generator: its [Sweep] grids (typed values and how each
/// sets a configuration) and its [SweepRange] ranges. <see cref="IExperiment.SweepAxes"/>, <see cref="IExperiment.Space"/>
/// and <see cref="IExperiment.SweepPlan"/> all derive from it.
/// </summary>
/// <typeparam name="TConfiguration">The experiment's generated configuration record.</typeparam>
public sealed class SweepMarkers<TConfiguration>(IReadOnlyList<SweepMarker<TConfiguration>> markers)
{
    /// <summary>The markers, grids and ranges in declaration order.</summary>
    public IReadOnlyList<SweepMarker<TConfiguration>> Markers { get; } = markers;

    /// <summary>One line per marker, e.g. "LearningRate in {0.0001, 0.0003}" or "EmaDecay in [0.99, 0.9999] (log)".</summary>
    public IReadOnlyList<string> Lines => [.. Markers.Select(m => m.Line)];

    /// <summary>The search space: a grid is a categorical parameter of its values' text, a range its uniform law.</summary>
    public SearchSpace Space => new([.. Markers.Select(m => new SweepParameter(m.Key, m.Distribution))]);

    /// <summary>
    /// The grid product of the [Sweep] values applied to <paramref name="defaults"/>, as typed configurations (the
    /// last axis varies fastest); ranges keep their defaults. No marker: the defaults alone.
    /// </summary>
    public List<TConfiguration> Grid(TConfiguration defaults)
    {
        IEnumerable<TConfiguration> plan = [defaults];
        foreach (var grid in Markers.OfType<GridMarker<TConfiguration>>())
            plan = plan.SelectMany(grid.Apply).ToList();
        return [.. plan];
    }
}

/// <summary>One sweep marker: the setting's key and where its values come from.</summary>
public abstract record SweepMarker<TConfiguration>(string Key)
{
    /// <summary>The marker as a search-space law.</summary>
    public abstract Distribution Distribution { get; }

    /// <summary>The marker as one line of text.</summary>
    public abstract string Line { get; }
}

/// <summary>The typed configurations a grid marker makes of one configuration.</summary>
public abstract record GridMarker<TConfiguration>(string Key) : SweepMarker<TConfiguration>(Key)
{
    /// <summary>One configuration per value, the value set.</summary>
    public abstract IEnumerable<TConfiguration> Apply(TConfiguration configuration);
}

/// <summary>A [Sweep] marker: typed values and how a value sets the configuration.</summary>
public sealed record GridMarker<TConfiguration, T>(string Key, IReadOnlyList<T> Values, Func<TConfiguration, T, TConfiguration> Set)
    : GridMarker<TConfiguration>(Key)
{
    /// <inheritdoc />
    public override Distribution Distribution => new Categorical([.. Values.Select(v => SettingValue.Format(v))]);

    /// <inheritdoc />
    public override string Line => $"{Key} in {{{string.Join(", ", Values.Select(v => SettingValue.Format(v)))}}}";

    /// <inheritdoc />
    public override IEnumerable<TConfiguration> Apply(TConfiguration configuration) => Values.Select(v => Set(configuration, v));
}

/// <summary>A [SweepRange] marker: sampled by the sweep runner, listed by the plan, left at its default by the grid.</summary>
public sealed record RangeMarker<TConfiguration>(string Key, double Min, double Max, bool Log, bool Integer) : SweepMarker<TConfiguration>(Key)
{
    /// <inheritdoc />
    public override Distribution Distribution => (Integer, Log) switch
    {
        (true, true) => new QLogUniformValues(Min, Max, 1),
        (true, false) => new IntUniform(checked((long)Min), checked((long)Max)),
        (false, true) => new LogUniformValues(Min, Max),
        (false, false) => new Uniform(Min, Max),
    };

    /// <inheritdoc />
    public override string Line => $"{Key} in [{SettingValue.Format(Min)}, {SettingValue.Format(Max)}]{(Log ? " (log)" : "")}";
}
