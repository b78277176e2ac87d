using Research.Framework.Experiments;

namespace Research.Framework.Commands;

/// <summary>The `--help` of a command over an experiment's settings: each key with its type, default and help.</summary>
internal static class SettingsHelp
{
    public static void Print(IExperiment experiment, TextWriter output)
    {
        output.WriteLine($"{experiment.Name}: {experiment.Description}");
        foreach (var s in experiment.Defaults().Settings)
            output.WriteLine($"  --{s.Key,-18} {s.Type,-8} default {s.Current(),-10} {s.Help}");
    }
}
