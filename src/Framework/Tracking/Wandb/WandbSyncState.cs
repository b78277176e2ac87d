using System.Text.Json;
using System.Text.Json.Serialization;

namespace Research.Framework.Tracking.Wandb;

/// <summary>
/// <c>wandb-sync.json</c> in a run folder: which W&amp;B run a folder was replayed to and how far, so a second sync
/// sends only what is new. Saved after every acknowledged chunk, so an interrupted sync resumes where it stopped.
/// </summary>
internal sealed class WandbSyncState
{
    public const string FileName = "wandb-sync.json";

    [JsonPropertyName("run_id")] public string RunId { get; set; } = "";
    [JsonPropertyName("entity")] public string? Entity { get; set; }
    [JsonPropertyName("project")] public string? Project { get; set; }
    [JsonPropertyName("history_lines")] public long HistoryLines { get; set; }
    [JsonPropertyName("uploaded")] public List<string> Uploaded { get; set; } = [];
    [JsonPropertyName("summary_sha256")] public string? SummarySha256 { get; set; }
    [JsonPropertyName("completed")] public bool Completed { get; set; }

    public static WandbSyncState? Load(string runDirectory)
    {
        var path = Path.Combine(runDirectory, FileName);
        return File.Exists(path) ? JsonSerializer.Deserialize<WandbSyncState>(File.ReadAllText(path)) : null;
    }

    public void Save(string runDirectory)
    {
        var path = Path.Combine(runDirectory, FileName);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(this, Indented));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
