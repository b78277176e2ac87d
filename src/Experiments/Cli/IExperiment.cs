using Research.Framework.Experiments;

namespace Research.Experiments.Cli;

/// <summary>A runnable experiment: a name, a one-line description, its settings and the plan they resolve to.</summary>
public interface IExperiment
{
    /// <summary>The name used on the command line and for the runs folder.</summary>
    string Name { get; }

    /// <summary>One line for `list`.</summary>
    string Description { get; }

    /// <summary>The overridable hyperparameters.</summary>
    IReadOnlyList<Setting> Settings { get; }

    /// <summary>Builds the model, sampler, data and trainer settings from the current values.</summary>
    ExperimentPlan Plan(IReadOnlyDictionary<string, string> overrides);
}
