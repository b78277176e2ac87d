using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Research.Framework.Tracking;

/// <summary>
/// One row of W&amp;B's <c>wandb-history.jsonl</c>: the user's keys, then <c>_step</c>, <c>_runtime</c> (seconds since the
/// run started) and <c>_timestamp</c> (Unix seconds). The local JSONL sink and the W&amp;B sink share it so a local
/// <c>metrics.jsonl</c> line is byte for byte what the live client would have streamed, which is what lets
/// <see cref="Wandb.WandbSync"/> replay a folder unchanged.
/// </summary>
public static class HistoryLine
{
    /// <summary>Serializes metrics (numbers or, for images, JSON objects) logged at <paramref name="step"/> and <paramref name="now"/>.</summary>
    public static string Create(IEnumerable<KeyValuePair<string, JsonNode?>> values, long step, DateTimeOffset started, DateTimeOffset now)
    {
        var line = new JsonObject();
        foreach (var (key, value) in values) line[key] = value?.DeepClone();
        line["_step"] = step;
        line["_runtime"] = (now - started).TotalSeconds;
        line["_timestamp"] = now.ToUnixTimeMilliseconds() / 1000.0;
        return line.ToJsonString(JsonOptions);
    }

    /// <summary>Serializes scalar metrics (NaN and infinities as the named literals W&amp;B also accepts).</summary>
    public static string Create(IReadOnlyDictionary<string, double> metrics, long step, DateTimeOffset started, DateTimeOffset now) =>
        Create(metrics.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value))), step, started, now);

    /// <summary>Options that keep NaN and infinities instead of throwing: a diverged loss must still be recorded.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };
}
