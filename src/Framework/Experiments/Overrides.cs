using System.Globalization;
using Research.Framework.Text;

namespace Research.Framework.Experiments;

/// <summary>
/// One overridable hyperparameter of an experiment's configuration: its key (`LearningRate`, `Sampler.Steps`), its
/// type's name, its help text, and typed accessors of the configuration it belongs to. Emitted by the generator.
/// </summary>
public sealed record Setting(string Key, string Type, string Help, Func<string> Current, Action<string> Apply);

/// <summary>Typed parsing and invariant formatting of setting values, for generated code.</summary>
public static class SettingValue
{
    /// <summary>Parses <paramref name="text"/> as <typeparamref name="T"/>; a failure names the key, the value and the type.</summary>
    public static T Parse<T>(string key, string text) where T : IParsable<T> =>
        T.TryParse(text, CultureInfo.InvariantCulture, out var value) ? value
            : throw new InvalidSettingException($"--{key}: '{text}' is not a valid {typeof(T).Name}.");

    /// <summary>Parses an enum member by name (any case); a failure lists the members.</summary>
    public static T ParseEnum<T>(string key, string text) where T : struct, Enum =>
        Enum.TryParse<T>(text, ignoreCase: true, out var value) && Enum.IsDefined(value) ? value
            : throw new InvalidSettingException($"--{key}: '{text}' is not a valid {typeof(T).Name} (one of {string.Join(", ", Enum.GetNames<T>())}).");

    /// <summary>The invariant text of a value (as written to config.json and shown by --help); a null nullable is "null", which parses back.</summary>
    public static string Format<T>(T value) => value is null ? "null" : Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
}

/// <summary>Parses `--Key value` and `--Key=value` pairs against a configuration's settings.</summary>
public static class Overrides
{
    /// <summary>Applies the overrides in order; unknown keys fail with the valid keys, closest match first.</summary>
    public static IReadOnlyDictionary<string, string> Apply(string experiment, IExperimentConfiguration configuration, IReadOnlyList<string> arguments)
    {
        var settings = configuration.Settings;
        var applied = new Dictionary<string, string>();
        for (int i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            if (!argument.StartsWith("--", StringComparison.Ordinal))
                throw new InvalidSettingException($"Expected --Key value, got '{argument}'.");
            var (key, value) = argument.IndexOf('=') is var equals and > 0
                ? (argument[2..equals], argument[(equals + 1)..])
                : (argument[2..], i + 1 < arguments.Count && !arguments[i + 1].StartsWith("--", StringComparison.Ordinal) ? arguments[++i]
                    : throw new InvalidSettingException($"--{argument[2..]} needs a value" + (i + 1 < arguments.Count ? $" (got the option {arguments[i + 1]})." : ".")));
            var setting = settings.FirstOrDefault(s => string.Equals(s.Key, key, StringComparison.OrdinalIgnoreCase))
                ?? throw new InvalidSettingException($"Unknown setting --{key} for {experiment}. Valid settings: " +
                    string.Join(", ", ClosestNames.Order(key, settings.Select(s => s.Key)).Select(k => "--" + k)) + ".");
            setting.Apply(value);
            applied[setting.Key] = value;
        }
        return applied;
    }

    /// <summary>
    /// The plan `run` builds: the experiment's defaults with <paramref name="arguments"/> applied, recording the class
    /// defaults next to the overrides (config.json's diff_from_defaults). A value the components reject is an <see cref="InvalidSettingException"/> naming it.
    /// </summary>
    public static ExperimentPlan Plan(IExperiment experiment, IReadOnlyList<string> arguments)
    {
        var configuration = experiment.Defaults();
        var overrides = Apply(experiment.Name, configuration, arguments);
        try
        {
            return (configuration.Plan(overrides) with
            {
                Defaults = Defaults(experiment),
                SettingTypes = configuration.Settings.ToDictionary(s => s.Key, s => s.Type),
            }).Validate();
        }
        catch (ArgumentException invalid)
        {
            // A value its components reject (a range, a list) is an invalid setting, named with its experiment.
            throw new InvalidSettingException($"{experiment.Name}: {OneLine(invalid)}");
        }
    }

    /// <summary>The exception's message without the framework's "(Parameter 'x')" and "Actual value was" lines.</summary>
    internal static string OneLine(ArgumentException invalid)
    {
        var message = invalid.Message.Split('\n')[0].TrimEnd();
        return invalid.ParamName is { } name ? message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : message;
    }

    /// <summary>Every setting's class default, as text.</summary>
    public static IReadOnlyDictionary<string, string> Defaults(IExperiment experiment) =>
        experiment.Defaults().Settings.ToDictionary(s => s.Key, s => s.Current());
}
