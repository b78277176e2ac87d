namespace Research.Framework.Experiments;

/// <summary>
/// A runnable experiment as the host sees it: emitted by the generator for each <see cref="ExperimentAttribute"/>
/// class (no reflection at run time).
/// </summary>
public interface IExperiment
{
    /// <summary>The name used on the command line and for the runs folder.</summary>
    string Name { get; }

    /// <summary>One line for `list` (the class's XML doc summary).</summary>
    string Description { get; }

    /// <summary>The components and how they are built, for `explain`.</summary>
    string Wiring { get; }

    /// <summary>A fresh configuration holding the class's defaults.</summary>
    IExperimentConfiguration Defaults();

    /// <summary>The sweep markers: the grid axes (values) and the ranges, one line each.</summary>
    IReadOnlyList<string> SweepAxes { get; }

    /// <summary>The grid product of the <see cref="SweepAttribute"/> values, as configurations.</summary>
    IReadOnlyList<IExperimentConfiguration> SweepPlan();

    /// <summary>
    /// The search space of the class's sweep markers, for the sweep runner: a <see cref="SweepAttribute"/> is a
    /// categorical parameter, a <see cref="SweepRangeAttribute"/> a uniform or log-uniform one (on an integer setting,
    /// integer-uniform, or log-uniform rounded to integers).
    /// </summary>
    Sweeps.SearchSpace Space { get; }
}

/// <summary>One resolved configuration of an experiment: its settings (mutable through <see cref="Setting.Apply"/>) and the plan they build.</summary>
public interface IExperimentConfiguration
{
    /// <summary>The overridable settings, in declaration order: the class's properties, then Interface.*, Network.*, Sampler.*, Grid.*, Dataset.*.</summary>
    IReadOnlyList<Setting> Settings { get; }

    /// <summary>Builds the network, interface, sampler, data and trainer settings from the current values.</summary>
    ExperimentPlan Plan(IReadOnlyDictionary<string, string> overrides);
}
