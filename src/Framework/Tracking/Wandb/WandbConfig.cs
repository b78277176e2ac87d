using System.Text.Json.Nodes;

namespace Research.Framework.Tracking.Wandb;

/// <summary>
/// The run config as UpsertBucket's <c>config</c> variable wants it: a JSON <em>string</em> (GraphQL type JSONString)
/// of an object whose every top-level key is wrapped as <c>{"value": v, "desc": null}</c>, the legacy SDK's shape,
/// which the server accepts like the newer ones.
/// </summary>
public static class WandbConfig
{
    /// <summary>Wraps the keys of a JSON object's text (null or empty gives <c>{}</c>).</summary>
    public static string Serialize(string? configJson)
    {
        var wrapped = new JsonObject();
        if (!string.IsNullOrWhiteSpace(configJson))
        {
            var config = JsonNode.Parse(configJson) as JsonObject ?? throw new ArgumentException("the config must be a JSON object", nameof(configJson));
            foreach (var (key, value) in config)
                wrapped[key] = new JsonObject { ["value"] = value?.DeepClone(), ["desc"] = null };
        }
        return wrapped.ToJsonString();
    }
}
