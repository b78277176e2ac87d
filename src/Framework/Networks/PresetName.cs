using System.Globalization;

namespace Research.Framework.Networks;

/// <summary>The paper-style model names SIZE/PATCH ("XL/2", also "XL_2") of the transformer presets.</summary>
internal static class PresetName
{
    /// <summary>Splits a preset name into its size (upper case) and a positive patch size, or throws naming the form.</summary>
    public static (string Size, int Patch) Parse(string name, string family, string examples)
    {
        ArgumentNullException.ThrowIfNull(name);
        var parts = name.Split('/', '_');
        if (parts.Length != 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int patch) || patch <= 0)
            throw new ArgumentException($"a {family} preset is SIZE/PATCH such as {examples}, got \"{name}\"", nameof(name));
        return (parts[0].ToUpperInvariant(), patch);
    }
}
