using System.Text.Json;
using System.Text.Json.Nodes;
using Research.Framework.Experiments;

namespace Research.Framework.Commands;

/// <summary>What a run folder's config.json says about how to rebuild its plan: the experiment and its command-line overrides.</summary>
internal static class RunConfig
{
    /// <summary>
    /// The run's experiment (from <paramref name="catalog"/>) and its overrides as <c>--Key value</c> arguments; a folder
    /// without a readable config.json, or of an experiment this program lacks, is a usage error of <paramref name="command"/>.
    /// </summary>
    public static (IExperiment Experiment, IReadOnlyList<string> Overrides) Read(string command, string runDir, IReadOnlyList<IExperiment> catalog)
    {
        var path = Path.Combine(runDir, "config.json");
        if (!File.Exists(path)) throw new UsageException($"{command}: '{runDir}' is not a run folder (it has no config.json). Give a folder under runs/<experiment>/.");
        var (name, overrides) = Parse(path, File.ReadAllText(path), command);
        var experiment = catalog.FirstOrDefault(e => e.Name == name)
            ?? throw new UsageException($"{command}: the run's experiment '{name}' is not in this program. Experiments: {string.Join(", ", catalog.Select(e => e.Name))}.");
        return (experiment, overrides);
    }

    static (string Name, IReadOnlyList<string> Overrides) Parse(string path, string text, string command)
    {
        try
        {
            var config = JsonNode.Parse(text) as JsonObject ?? throw new JsonException("not an object");
            var name = config["experiment"]?.GetValue<string>() ?? throw new JsonException("no \"experiment\"");
            var arguments = new List<string>();
            if (config["overrides"] is JsonObject overrides)
                foreach (var (key, value) in overrides) arguments.AddRange([$"--{key}", value?.GetValue<string>() ?? ""]);
            return (name, arguments);
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException or FormatException)
        {
            throw new UsageException($"{command}: {path} is not a readable run config ({error.Message}).");
        }
    }
}
