using System.Globalization;

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
