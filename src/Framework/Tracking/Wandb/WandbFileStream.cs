using System.Text.Json.Nodes;

namespace Research.Framework.Tracking.Wandb;

/// <summary>
/// The file_stream side of a run: pending history lines sent in chunks at their line offsets, the whole summary
/// as one line at offset 0, finished uploads, the <c>{}</c> heartbeat and the final <c>complete</c>/<c>exitcode</c>.
/// A chunk counts as sent only after the server's 2xx, and resending a chunk at the same offset overwrites the
/// same lines, so retries after a dropped connection never duplicate or skip a line.
/// Used by one thread at a time (the tracker's pump, or a sync).
/// </summary>
public sealed class WandbFileStream(WandbApi api, WandbBucket run, int maxLinesPerRequest = 1000)
{
    /// <summary>W&amp;B's name for the metric rows.</summary>
    public const string HistoryFile = "wandb-history.jsonl";

    /// <summary>W&amp;B's name for the summary.</summary>
    public const string SummaryFile = "wandb-summary.json";

    readonly Queue<string> history = new();
    readonly List<string> uploaded = [];
    string? summary;

    /// <summary>The line number the next history line gets on the server (starts at the run's historyLineCount when resuming).</summary>
    public long HistoryOffset { get; private set; } = run.HistoryLineCount;

    /// <summary>Lines not yet acknowledged.</summary>
    public int PendingLines => history.Count;

    /// <summary>Whether the server answered <c>"stopped": true</c> (someone pressed stop in the UI).</summary>
    public bool StopRequested { get; private set; }

    /// <summary>Called after each acknowledged chunk with the new <see cref="HistoryOffset"/> (a sync records progress there).</summary>
    public Action<long>? Acknowledged { get; init; }

    /// <summary>Queues a history line (already JSON).</summary>
    public void AddHistory(string line) => history.Enqueue(line);

    /// <summary>Replaces the summary line to send.</summary>
    public void SetSummary(string line) => summary = line;

    /// <summary>Announces a finished upload with the next request.</summary>
    public void AddUploaded(string runRelativePath) => uploaded.Add(runRelativePath);

    /// <summary>Whether anything waits to be sent.</summary>
    public bool HasPending => history.Count > 0 || summary is not null || uploaded.Count > 0;

    /// <summary>Sends everything pending; the summary and uploads ride on the last chunk.</summary>
    public async Task FlushAsync(CancellationToken cancel)
    {
        while (HasPending)
        {
            var chunk = history.Take(maxLinesPerRequest).ToList();
            var last = chunk.Count == history.Count;
            var files = new JsonObject();
            if (chunk.Count > 0) files[HistoryFile] = Content(HistoryOffset, chunk);
            if (last && summary is not null) files[SummaryFile] = Content(0, [summary]);
            var body = new JsonObject { ["files"] = files };
            if (last && uploaded.Count > 0) body["uploaded"] = new JsonArray([.. uploaded.Select(path => (JsonNode?)path)]);
            await PostAsync(body, cancel);
            for (var i = 0; i < chunk.Count; i++) history.Dequeue();
            HistoryOffset += chunk.Count;
            if (last)
            {
                summary = null;
                uploaded.Clear();
            }
            if (chunk.Count > 0) Acknowledged?.Invoke(HistoryOffset);
        }
    }

    /// <summary>The empty request that tells the server the run is alive.</summary>
    public Task HeartbeatAsync(CancellationToken cancel) => PostAsync([], cancel);

    /// <summary>Flushes, then sends the last request: <c>{"complete": true, "exitcode": n}</c>.</summary>
    public async Task CompleteAsync(int exitCode, CancellationToken cancel)
    {
        await FlushAsync(cancel);
        await PostAsync(new JsonObject { ["complete"] = true, ["exitcode"] = exitCode }, cancel);
    }

    async Task PostAsync(JsonObject body, CancellationToken cancel)
    {
        var answer = await api.FileStreamAsync(run, body, cancel);
        if (answer?["stopped"] is JsonValue stopped && stopped.TryGetValue<bool>(out var yes) && yes && !StopRequested)
        {
            StopRequested = true;
            api.Options.Warn($"W&B: a stop was requested for run {run.RunId} from the UI");
        }
    }

    static JsonObject Content(long offset, IEnumerable<string> lines) =>
        new() { ["offset"] = offset, ["content"] = new JsonArray([.. lines.Select(line => (JsonNode?)line)]) };
}
