using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace Research.Generators;

/// <summary>The C# tokens the emitters write for facts of the model: literals, quoted strings, doc-comment text.</summary>
internal static class CSharp
{
    /// <summary>
    /// <paramref name="constant"/> as a C# literal of a setting whose (non-nullable) type is <paramref name="valueTypeName"/>;
    /// the null constant is <c>null</c> for a string or nullable setting and <c>default</c> otherwise.
    /// </summary>
    public static string Literal(Constant constant, string valueTypeName, bool nullable = false)
    {
        if (constant.Text is not { } text) return nullable || constant.Kind == SettingKind.String ? "null" : "default";
        return constant.Kind switch
        {
            SettingKind.String => Quote(text),
            SettingKind.Int64 => text + "L",
            SettingKind.Double => Number(text, "double", ""),
            SettingKind.Single => Number(text, "float", "f"),
            SettingKind.Enum => constant.EnumNumber ? $"({valueTypeName})({text})" : $"{valueTypeName}.{text}",
            _ => text,
        };
    }

    /// <summary>A round-trip number's text as a literal: infinities and NaN by name, a whole double with ".0".</summary>
    static string Number(string text, string type, string suffix) => text switch
    {
        "Infinity" or "∞" => $"{type}.PositiveInfinity",
        "-Infinity" or "-∞" => $"{type}.NegativeInfinity",
        "NaN" => $"{type}.NaN",
        _ => suffix.Length > 0 ? text + suffix : text.Contains(".") || text.Contains("E") ? text : text + ".0",
    };

    public static string Quote(string text) => SymbolDisplay.FormatLiteral(text, quote: true);

    /// <summary>Text safe inside an XML doc comment.</summary>
    public static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    /// <summary>lowerCamel of a PascalCase name (a local variable named after its role).</summary>
    public static string Camel(string name) => char.ToLowerInvariant(name[0]) + name.Substring(1);
}

/// <summary>An indenting line writer for generated code.</summary>
internal sealed class Writer
{
    readonly StringBuilder text = new();
    public int Indent;

    public void Line(string line = "") => text.Append(line.Length == 0 ? "" : new string(' ', Indent * 4) + line).Append('\n');
    public void Open() { Line("{"); Indent++; }
    public void Close(string suffix = "") { Indent--; Line("}" + suffix); }
    public override string ToString() => text.ToString();
}
