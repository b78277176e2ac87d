using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Research.Framework.Tracking.Wandb;

/// <summary>
/// Replays a run folder written by <see cref="JsonlTracker"/> (<c>metrics.jsonl</c>, <c>summary.json</c>, <c>media/*.png</c>,
/// <c>config.json</c>) to W&amp;B with the live client's code: an offline run, or one whose server was unreachable, gets
/// to W&amp;B later. Idempotent: <c>wandb-sync.json</c> records the run id, the history offset reached, the uploaded
/// files and the summary's hash, so a second pass sends nothing and a pass after more training sends only the rest.
/// </summary>
public sealed class WandbSync(WandbSettings settings, WandbClientOptions? options = null)
{
    /// <summary>Sends what <paramref name="runDirectory"/> has and the server lacks.</summary>
    public async Task<WandbSyncResult> SyncAsync(string runDirectory, CancellationToken cancel = default)
    {
        var state = WandbSyncState.Load(runDirectory) ?? new WandbSyncState { RunId = settings.RunId };
        var layout = new RunLayout(runDirectory);
        var lines = ReadHistory(layout.Metrics);
        var newLines = lines.Skip((int)Math.Min(state.HistoryLines, lines.Count)).ToList();
        var media = Directory.Exists(layout.Media)
            ? Directory.GetFiles(layout.Media, "*.png").Select(file => RunLayout.MediaRelativePath(Path.GetFileName(file))).Order(StringComparer.Ordinal)
                .Where(path => !state.Uploaded.Contains(path)).ToList()
            : [];
        var summaryPath = layout.Summary;
        var summaryText = File.Exists(summaryPath) ? File.ReadAllText(summaryPath) : null;
        var summaryHash = summaryText is null ? null : Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(summaryText)));
        var summary = summaryText is null ? null : JsonNode.Parse(summaryText)!.AsObject();
        var exitCode = summary?["_exit_code"]?.GetValue<double>() is { } code ? (int)code : (int?)null;
        var sendSummary = summaryHash is not null && summaryHash != state.SummarySha256;
        var complete = exitCode is not null && !state.Completed;
        if (newLines.Count == 0 && media.Count == 0 && !sendSummary && !complete)
            return new WandbSyncResult(state.RunId, 0, 0, false, false);

        using var api = new WandbApi(new WandbSettings
        {
            ApiKey = settings.ApiKey, BaseUrl = settings.BaseUrl, Entity = state.Entity ?? settings.Entity, Project = state.Project ?? settings.Project,
            RunId = state.RunId, DisplayName = settings.DisplayName, Group = settings.Group, Tags = settings.Tags, JobType = settings.JobType, Notes = settings.Notes,
        }, options);
        var entity = api.Settings.Entity ?? await api.ViewerEntityAsync(cancel);
        var configPath = layout.Config;
        var bucket = await api.UpsertBucketAsync(entity, File.Exists(configPath) ? File.ReadAllText(configPath) : null, cancel);
        (state.Entity, state.Project) = (bucket.Entity, bucket.Project);
        state.Save(runDirectory);

        var stream = new WandbFileStream(api, bucket with { HistoryLineCount = state.HistoryLines })
        {
            Acknowledged = offset =>
            {
                state.HistoryLines = offset;
                state.Save(runDirectory);
            },
        };
        foreach (var line in newLines) stream.AddHistory(line);
        foreach (var path in media)
        {
            await api.UploadFileAsync(bucket, path, await File.ReadAllBytesAsync(Path.Combine(runDirectory, path), cancel), cancel);
            stream.AddUploaded(path);
        }
        if (sendSummary)
        {
            summary!.Remove("_exit_code");
            stream.SetSummary(summary.ToJsonString(HistoryLine.JsonOptions));
        }
        await stream.FlushAsync(cancel);
        state.Uploaded.AddRange(media);
        state.SummarySha256 = summaryHash;
        if (complete)
        {
            await stream.CompleteAsync(exitCode!.Value, cancel);
            state.Completed = true;
        }
        state.Save(runDirectory);
        return new WandbSyncResult(state.RunId, newLines.Count, media.Count, sendSummary, complete);
    }

    /// <summary>The complete lines of the history; a torn last line (the process died mid-write) is left out.</summary>
    static List<string> ReadHistory(string path)
    {
        if (!File.Exists(path)) return [];
        var lines = File.ReadAllLines(path).Where(line => line.Length > 0).ToList();
        if (lines.Count > 0 && !IsJson(lines[^1])) lines.RemoveAt(lines.Count - 1);
        return lines;
    }

    static bool IsJson(string line)
    {
        try
        {
            JsonDocument.Parse(line).Dispose();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
