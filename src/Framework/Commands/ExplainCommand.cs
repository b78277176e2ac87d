using Research.Framework.Experiments;

namespace Research.Framework.Commands;

/// <summary>`explain NAME [--Key value ...]`: the wiring and every resolved value, marking those that differ from the defaults; builds nothing.</summary>
internal static class ExplainCommand
{
    public const string Usage = "explain NAME [--Key value ...]";

    static readonly CommandSyntax Syntax = new("", Usage, [], Overrides: true);

    public static int Run(IExperiment experiment, IReadOnlyList<string> arguments, TextWriter output)
    {
        if (arguments is ["--help"]) { SettingsHelp.Print(experiment, output); return 0; }
        var configuration = experiment.Defaults();
        var overrides = Overrides.Apply(experiment.Name, configuration, ArgumentReader.Read(Syntax, arguments).Overrides);
        var defaults = Overrides.Defaults(experiment);
        output.WriteLine($"{experiment.Name}: {experiment.Description}");
        output.WriteLine(experiment.Wiring);
        output.WriteLine("configuration:");
        int width = configuration.Settings.Max(s => s.Key.Length);
        foreach (var s in configuration.Settings)
        {
            var value = s.Current();
            var note = overrides.ContainsKey(s.Key) && value != defaults[s.Key] ? $"   (default {defaults[s.Key]})" : "";
            output.WriteLine($"  {s.Key.PadRight(width)} = {value}{note}");
        }
        return 0;
    }
}
