using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Research.Framework.Experiments;

/// <summary>
/// config.json's setting values as typed JSON: integers and reals as JSON numbers, booleans as JSON booleans, a null
/// nullable as JSON null, everything else (enums, text) as strings. W&amp;B, the dashboard and any JSON reader then sort
/// and plot a learning rate as a number rather than a string. <see cref="Text"/> turns a value back into the
/// invariant text the settings parse (<see cref="SettingValue.Format"/>'s), so a record written either way, typed or
/// as the strings of earlier versions, reads back the same.
/// </summary>
public static class SettingJson
{
    /// <summary>The JSON of a setting's invariant <paramref name="text"/>, typed by its <see cref="Setting.Type"/> name ("Int32", "Double?", …); an unknown type or a value that does not parse as its type stays a string.</summary>
    public static JsonNode? Value(string? text, string? type)
    {
        if (text is null) return null;
        bool nullable = type?.EndsWith('?') == true;
        if (nullable && text == "null") return null;
        return type?.TrimEnd('?') switch
        {
            "Int16" or "Int32" or "Int64" or "Byte" or "UInt16" or "UInt32" when long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer) => JsonValue.Create(integer),
            "Double" or "Single" when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real) => JsonValue.Create(real),
            "Boolean" when bool.TryParse(text, out var flag) => JsonValue.Create(flag),
            _ => JsonValue.Create(text),
        };
    }

    /// <summary>The invariant setting text of a config.json value, typed or a string; JSON null is "null" (a null nullable).</summary>
    public static string Text(JsonNode? node)
    {
        if (node is null) return "null";
        if (node is not JsonValue value) throw new FormatException($"a setting value is {node.GetValueKind()}, not a number, boolean or string");
        return value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => SettingValue.Format(true),
            JsonValueKind.False => SettingValue.Format(false),
            JsonValueKind.Number => value.TryGetValue<long>(out var integer) ? SettingValue.Format(integer) : SettingValue.Format(value.GetValue<double>()),
            var kind => throw new FormatException($"a setting value is {kind}, not a number, boolean or string"),
        };
    }
}
