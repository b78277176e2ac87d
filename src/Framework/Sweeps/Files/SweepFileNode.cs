using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Research.Framework.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Research.Framework.Sweeps;

/// <summary>The kind of a scalar of a sweep file, which decides for example int_uniform against uniform.</summary>
enum ScalarKind { String, Integer, Float, Boolean, Null }

/// <summary>
/// A sweep file's tree, the same for YAML and JSON, each node knowing its path (<c>parameters.optimizer.lr</c>) so
/// errors can name it.
/// </summary>
abstract record SweepFileNode(string Path)
{
    /// <summary>The error for this node.</summary>
    public InvalidSweepException Error(string source, string message) =>
        new($"{source}: {(Path.Length == 0 ? "" : Path + ": ")}{message}");

    /// <summary>A YAML document (YAML 1.2 core schema: <c>1e-4</c> is a number, only true/false are booleans).</summary>
    public static SweepFileNode FromYaml(string text, string source)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(text)); }
        catch (YamlException e) { throw new InvalidSweepException($"{source}: not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}"); }
        if (stream.Documents.Count == 0) throw new InvalidSweepException($"{source}: the file is empty.");
        return FromYaml(stream.Documents[0].RootNode, "", source);
    }

    static SweepFileNode FromYaml(YamlNode node, string path, string source) => node switch
    {
        YamlMappingNode map => new MapNode(path, [.. map.Children.Select(kv =>
        {
            var key = kv.Key is YamlScalarNode { Value: { } k } ? k : throw new InvalidSweepException($"{source}: {path}: keys must be plain names.");
            return (key, FromYaml(kv.Value, Join(path, key), source));
        })]),
        YamlSequenceNode list => new ListNode(path, [.. list.Children.Select((item, i) => FromYaml(item, $"{path}[{i}]", source))]),
        YamlScalarNode scalar => scalar.Style is ScalarStyle.Plain ? Plain(path, scalar.Value ?? "") : new ScalarNode(path, scalar.Value ?? "", ScalarKind.String),
        _ => throw new InvalidSweepException($"{source}: {path}: aliases and tags are not supported."),
    };

    static readonly Regex Integer = new(@"^[-+]?[0-9]+$", RegexOptions.CultureInvariant);
    static readonly Regex Float = new(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant);

    static ScalarNode Plain(string path, string text) =>
        text is "" or "~" or "null" or "Null" or "NULL" ? new(path, text, ScalarKind.Null)
        : text is "true" or "True" or "TRUE" ? new(path, "true", ScalarKind.Boolean)
        : text is "false" or "False" or "FALSE" ? new(path, "false", ScalarKind.Boolean)
        : Integer.IsMatch(text) ? new(path, text, ScalarKind.Integer)
        : Float.IsMatch(text) ? new(path, text, ScalarKind.Float)
        : new(path, text, ScalarKind.String);

    /// <summary>A JSON document.</summary>
    public static SweepFileNode FromJson(string text, string source)
    {
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return FromJson(document.RootElement, "");
        }
        catch (JsonException e) { throw new InvalidSweepException($"{source}: not valid JSON at line {e.LineNumber + 1}: {e.Message}"); }
    }

    static SweepFileNode FromJson(JsonElement element, string path) => element.ValueKind switch
    {
        JsonValueKind.Object => new MapNode(path, [.. element.EnumerateObject().Select(p => (p.Name, FromJson(p.Value, Join(path, p.Name))))]),
        JsonValueKind.Array => new ListNode(path, [.. element.EnumerateArray().Select((item, i) => FromJson(item, $"{path}[{i}]"))]),
        JsonValueKind.String => new ScalarNode(path, element.GetString()!, ScalarKind.String),
        JsonValueKind.Number => new ScalarNode(path, element.GetRawText(),
            element.GetRawText().IndexOfAny(['.', 'e', 'E']) >= 0 ? ScalarKind.Float : ScalarKind.Integer),
        JsonValueKind.True => new ScalarNode(path, "true", ScalarKind.Boolean),
        JsonValueKind.False => new ScalarNode(path, "false", ScalarKind.Boolean),
        _ => new ScalarNode(path, "", ScalarKind.Null),
    };

    static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
}

/// <summary>A mapping, in file order.</summary>
sealed record MapNode(string Path, IReadOnlyList<(string Key, SweepFileNode Value)> Entries) : SweepFileNode(Path)
{
    public SweepFileNode? this[string key] => Entries.FirstOrDefault(e => e.Key == key).Value;

    /// <summary>Fails on a key outside <paramref name="valid"/>, listing the valid keys closest first.</summary>
    public void OnlyKeys(string source, IReadOnlyCollection<string> valid, string what)
    {
        foreach (var (key, value) in Entries)
            if (!valid.Contains(key))
                throw Error(source, $"unknown key '{key}' in {what}. Valid keys: {string.Join(", ", ClosestNames.Order(key, valid))}.");
    }
}

/// <summary>A sequence.</summary>
sealed record ListNode(string Path, IReadOnlyList<SweepFileNode> Items) : SweepFileNode(Path);

/// <summary>A scalar with its resolved kind.</summary>
sealed record ScalarNode(string Path, string Text, ScalarKind Kind) : SweepFileNode(Path)
{
    /// <summary>The number, for integer and float scalars.</summary>
    public double? Number => Kind is ScalarKind.Integer or ScalarKind.Float
        && double.TryParse(Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x : null;
}
