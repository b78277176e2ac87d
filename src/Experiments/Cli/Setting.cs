using System.Globalization;

namespace Research.Experiments.Cli;

/// <summary>
/// One overridable hyperparameter of an experiment: its key, type, current value and help text.
/// Hand-written for now; the source generator will emit these from the experiment classes' properties.
/// </summary>
public sealed record Setting(string Key, string Type, Func<string> Current, Action<string> Apply, string Help)
{
    /// <summary>A setting backed by a typed getter and setter; parse errors name the key, the value and the type.</summary>
    public static Setting Of<T>(string key, Func<T> get, Action<T> set, string help) where T : IParsable<T> =>
        new(key, typeof(T).Name, () => Convert.ToString(get(), CultureInfo.InvariantCulture) ?? "",
            text => set(T.TryParse(text, CultureInfo.InvariantCulture, out var value) ? value
                : throw new UsageException($"--{key}: '{text}' is not a valid {typeof(T).Name}.")), help);
}

/// <summary>A command-line mistake: printed with the valid choices, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
