using Research.Framework.Text;

namespace Research.Framework.Sweeps;

/// <summary>Checks a search space against the settings of the experiment it sweeps.</summary>
public static class SearchSpaceKeys
{
    /// <summary>
    /// The space with every key spelled exactly as its setting (keys match case-insensitively, like the command line).
    /// An unknown key fails with the experiment's settings, closest first.
    /// </summary>
    public static SearchSpace Resolve(this SearchSpace space, string experiment, IReadOnlyCollection<string> settingKeys) =>
        new([.. space.Parameters.Select(p =>
            settingKeys.FirstOrDefault(k => string.Equals(k, p.Key, StringComparison.OrdinalIgnoreCase)) is { } key
                ? p with { Key = key }
                : throw new InvalidSweepException($"Unknown sweep parameter '{p.Key}' for {experiment}. Valid settings: " +
                    string.Join(", ", ClosestNames.Order(p.Key, settingKeys)) + "."))]);
}
