using System.Text.Json;
using System.Text.Json.Nodes;
using Research.Framework.Experiments;
using Research.Framework.Tracking;

namespace Research.Framework.Runs;

/// <summary>
/// What a run folder's config.json says about the run: its experiment, the overrides it was started with and its
/// resolved settings. A resume and <c>eval</c> rebuild the run from this record, never from the command line.
/// </summary>
/// <param name="Directory">The run folder.</param>
/// <param name="Experiment">The experiment's name.</param>
/// <param name="Overrides">The command-line overrides the run was started with (and any changes allowed since).</param>
/// <param name="Config">The resolved value of every setting as text; empty in records written before it was kept.</param>
/// <param name="Json">The whole record, for adding to it.</param>
public sealed record RecordedRun(string Directory, string Experiment, IReadOnlyDictionary<string, string> Overrides,
    IReadOnlyDictionary<string, string?> Config, JsonObject Json)
{
    /// <summary>The record's file name.</summary>
    public const string FileName = RunLayout.ConfigFileName;

    /// <summary>The path of the record in <paramref name="runDirectory"/>.</summary>
    public static string PathIn(string runDirectory) => Path.Combine(runDirectory, FileName);

    /// <summary>
    /// Reads the record; a folder without config.json, or one that is not a run record (no "experiment" name, no
    /// "overrides" object), is a <see cref="RunFolderException"/> naming the folder and what is missing.
    /// </summary>
    public static RecordedRun Read(string runDirectory)
    {
        var path = PathIn(runDirectory);
        if (!File.Exists(path))
            throw new RunFolderException($"'{runDirectory}' is not a run folder (it has no config.json). Give a folder under runs/<experiment>/.");
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new JsonException("it is not a JSON object");
            var experiment = json["experiment"] is JsonValue name && name.TryGetValue<string>(out var text) && text.Length > 0
                ? text : throw new JsonException("it names no \"experiment\"");
            var overrides = json["overrides"] as JsonObject ?? throw new JsonException("it has no \"overrides\" object");
            var config = json["config"] as JsonObject;
            return new RecordedRun(runDirectory, experiment,
                overrides.ToDictionary(kv => kv.Key, kv => kv.Value?.GetValue<string>() ?? ""),
                config?.ToDictionary(kv => kv.Key, kv => (string?)SettingJson.Text(kv.Value)) ?? new Dictionary<string, string?>(), json);
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException or FormatException)
        {
            throw new RunFolderException($"{path} is not a valid run record ({error.Message}).");
        }
    }

    /// <summary>This record, when it is a run of <paramref name="experiment"/>; a run of another experiment is refused, naming both.</summary>
    public RecordedRun OfExperiment(string experiment) => Experiment == experiment ? this
        : throw new RunFolderException($"{Directory} is a run of {Experiment}, not {experiment}; resume it as {Experiment} (resume {Directory}).");

    /// <summary>The overrides as command-line arguments (<c>--Key value</c> pairs).</summary>
    public IReadOnlyList<string> OverrideArguments => Overrides.SelectMany(kv => new[] { "--" + kv.Key, kv.Value }).ToArray();
}
