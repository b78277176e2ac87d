using System.Text.Json;
using System.Text.Json.Nodes;

namespace Research.Framework.Tracking.RunIndex;

/// <summary>
/// The run index's card of an evaluation sweep (<c>eval RUN-DIR --sweep</c>), read from its record
/// <c>RUN-DIR/eval-sweep-&lt;id&gt;.json</c>, which stays the record of truth: one trial per evaluated point (its
/// settings as parameters, its objective value), no run folder of its own, linked to the trained run. The id is the
/// run id and the file's name (no '/', so it is one URL segment); the name reads <c>experiment/run-id/eval-sweep-&lt;id&gt;</c>;
/// the config holds <c>kind: "eval"</c> (how a rebuild tells these cards from those the sweep command files), the
/// objective as <c>metric</c> and <c>goal</c>, the run, the file, and the sample count, seed and EMA the points shared.
/// </summary>
public sealed record EvalSweepCard(string Id, string Name, string ConfigJson, DateTimeOffset Created, IReadOnlyList<StoredTrial> Trials)
{
    /// <summary>The <c>kind</c> of an evaluation sweep's card config.</summary>
    public const string Kind = "eval";

    /// <summary>The card of the sweep recorded at <paramref name="path"/> in the folder of <paramref name="run"/>; null when the file cannot be read.</summary>
    public static EvalSweepCard? Read(string path, RunRecord run)
    {
        JsonObject? record;
        try
        {
            record = JsonNode.Parse(File.ReadAllText(path)) as JsonObject;
        }
        catch (JsonException)
        {
            return null; // a torn record: the index skips it, as it skips a torn metrics line
        }
        if (record?["objective"] is not JsonValue objective || record["points"] is not JsonArray points) return null;
        var trials = points.OfType<JsonObject>().Select((point, i) => new StoredTrial(i,
            (point["settings"] as JsonObject ?? []).ToDictionary(kv => kv.Key, kv => kv.Value is JsonValue text && text.TryGetValue<string>(out var setting) ? setting : kv.Value?.ToJsonString() ?? ""),
            point["value"] is JsonValue value && value.TryGetValue<double>(out var number) ? number : null,
            run.Id)).ToList();
        var file = Path.GetFileNameWithoutExtension(path);
        var config = new JsonObject
        {
            ["kind"] = Kind,
            ["experiment"] = run.Experiment,
            ["run_id"] = run.Id,
            ["run_dir"] = run.RunDirectory,
            ["file"] = Path.GetFileName(path),
            ["metric"] = objective.DeepClone(),
            ["goal"] = record["direction"]?.DeepClone() ?? "minimize",
            ["samples"] = record["samples"]?.DeepClone(),
            ["seed"] = record["seed"]?.DeepClone(),
            ["ema"] = record["ema"]?.DeepClone(),
        };
        return new EvalSweepCard($"{run.Id}.{file}", $"{run.Experiment}/{run.Id}/{file}", config.ToJsonString(),
            new DateTimeOffset(File.GetLastWriteTimeUtc(path)), trials);
    }

    /// <summary>Whether a card's config is an evaluation sweep's.</summary>
    public static bool IsEvalSweep(string? configJson)
    {
        try
        {
            return configJson is not null && JsonNode.Parse(configJson) is JsonObject config
                && config["kind"] is JsonValue kind && kind.TryGetValue<string>(out var text) && text == Kind;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
