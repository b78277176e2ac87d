using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Research.Framework.Runs;
using Research.Framework.Tracking;
using Research.Framework.Tracking.RunIndex;

namespace Research.Framework.Dashboard;

/// <summary>
/// The dashboard's routes: the page and its assets, and JSON over the <see cref="RunStore"/> (runs, one run with its
/// metric keys and images, metric series after a step for live polling, sweeps with their runs or trials) plus a run's images.
/// Every string leaves as JSON and is rendered by the page as text, never as markup.
/// </summary>
public sealed class DashboardApi(RunStore store, string runsFolder, TimeSpan crashedAfter)
{
    /// <summary>How often listing the runs may also mark silent runs crashed (a write, so not on every poll).</summary>
    static readonly TimeSpan CrashCheckInterval = TimeSpan.FromSeconds(30);

    readonly Lock gate = new();
    Stopwatch? sinceCrashCheck;

    /// <summary>Adds the routes to <paramref name="routes"/>.</summary>
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/", () => Asset("index.html"));
        routes.MapGet("/assets/{name}", (string name) => Asset(name));
        routes.MapGet("/favicon.ico", () => Results.NoContent()); // browsers ask; a 404 would be a console error
        routes.MapGet("/api/runs", ListRuns);
        routes.MapGet("/api/runs/{id}", GetRun);
        routes.MapGet("/api/runs/{id}/files/{**path}", GetFile);
        routes.MapGet("/api/series", (string key, string[] run, long? after) => Results.Json(Series(key, run, after ?? long.MinValue)));
        routes.MapGet("/api/sweeps", () => Results.Json(Sweeps()));
        routes.MapGet("/api/sweeps/{id}", GetSweep);
    }

    /// <summary>A run as the page sees it: the index row, its summary and its config parsed (null when unreadable).</summary>
    public sealed record RunView(string Id, string Experiment, string Name, string Status, DateTimeOffset? Started, DateTimeOffset? Finished,
        int? ExitCode, string? SweepId, DateTimeOffset? Heartbeat, IReadOnlyDictionary<string, double> Summary, JsonNode? Config);

    /// <summary>One run with what its page draws: metric keys, images, what a failed run died of and the end of its log.txt.</summary>
    public sealed record RunDetail(RunView Run, IReadOnlyList<string> MetricKeys, IReadOnlyList<MediaView> Media, string? Error = null, string? LogTail = null);

    /// <summary>How much of error.txt and of log.txt's end a run page shows.</summary>
    const int ErrorChars = 20_000, LogChars = 8_000;

    /// <summary>An image of a run and the URL that serves it.</summary>
    public sealed record MediaView(string Key, long Step, string Url);

    /// <summary>
    /// A sweep: its id, name (the id when only its runs know it), config, how many runs it has and how many trials it
    /// holds without runs (an evaluation sweep's points).
    /// </summary>
    public sealed record SweepView(string Id, string Name, JsonNode? Config, DateTimeOffset? Created, int Runs, int Trials = 0);

    /// <summary>A sweep with its runs, and its trials without runs (an evaluation sweep's points, each linked to the trained run).</summary>
    public sealed record SweepDetail(SweepView Sweep, IReadOnlyList<RunView> Runs, IReadOnlyList<StoredTrial> Trials);

    IResult ListRuns()
    {
        MarkCrashedNowAndThen();
        MarkAbandoned();
        return Results.Json(store.ListRuns().Select(View).ToList());
    }

    IResult GetRun(string id)
    {
        if (store.GetRun(id) is not { } run) return Results.NotFound(new { error = $"no run '{id}'" });
        var media = run.RunDirectory is { } folder
            ? RunFiles.Media(runsFolder, folder).Select(file => new MediaView(file.Key, file.Step, FileUrl(run.Id, file.Path))).ToList()
            : [];
        string? Text(string name, int chars) => run.RunDirectory is { } folder ? RunFiles.ReadTail(runsFolder, folder, name, chars) : null;
        return Results.Json(new RunDetail(View(run), store.MetricKeys([id]), media, Text(RunLayout.ErrorFileName, ErrorChars), Text(RunLayout.LogFileName, LogChars)));
    }

    IResult GetFile(string id, string path)
    {
        if (store.GetRun(id) is not { RunDirectory: { } folder }) return Results.NotFound();
        return RunFiles.Resolve(runsFolder, folder, path) is { } file
            ? Results.File(file, RunFiles.ContentType(file))
            : Results.NotFound();
    }

    /// <summary>The values of <paramref name="key"/> after step <paramref name="after"/> per run, as [step, value] pairs.</summary>
    internal Dictionary<string, double[][]> Series(string key, IReadOnlyList<string> runs, long after) =>
        store.MetricSeries(runs, key, after).ToDictionary(kv => kv.Key, kv => kv.Value.Select(point => new[] { point.Step, point.Value }).ToArray());

    /// <summary>The sweeps of the index plus sweep ids that only runs name (a worker may record its trial before the sweep).</summary>
    internal List<SweepView> Sweeps()
    {
        var counts = store.ListRuns().Where(run => run.SweepId is not null).GroupBy(run => run.SweepId!).ToDictionary(group => group.Key, group => group.Count());
        var trials = store.TrialCounts();
        var sweeps = store.ListSweeps().Select(sweep => new SweepView(sweep.Id, sweep.Name, Parse(sweep.ConfigJson), sweep.Created,
            counts.GetValueOrDefault(sweep.Id), trials.GetValueOrDefault(sweep.Id))).ToList();
        sweeps.AddRange(counts.Keys.Where(id => sweeps.All(sweep => sweep.Id != id)).Order(StringComparer.Ordinal)
            .Select(id => new SweepView(id, id, null, null, counts[id])));
        return sweeps;
    }

    IResult GetSweep(string id)
    {
        if (Sweeps().FirstOrDefault(sweep => sweep.Id == id) is not { } sweep) return Results.NotFound(new { error = $"no sweep '{id}'" });
        return Results.Json(new SweepDetail(sweep, store.ListRuns(new RunQuery { SweepId = id }).Select(View).ToList(), store.ListTrials(id)));
    }

    void MarkCrashedNowAndThen()
    {
        lock (gate)
        {
            if (sinceCrashCheck is not null && sinceCrashCheck.Elapsed < CrashCheckInterval) return;
            sinceCrashCheck = Stopwatch.StartNew();
        }
        store.MarkCrashed(crashedAfter);
    }

    /// <summary>
    /// Running runs whose folder lock no process holds are crashed now (the writer died mid-step or mid-evaluation),
    /// not after the silence rule's minutes. A run whose folder has no lock file keeps the silence rule.
    /// </summary>
    void MarkAbandoned()
    {
        var root = Path.GetFullPath(runsFolder);
        foreach (var run in store.ListRuns(new RunQuery { Status = RunStatus.Running }))
            if (run.RunDirectory is { } folder && RunLock.IsAbandoned(Path.Combine(root, folder)))
                store.MarkCrashed(run.Id);
    }

    static RunView View(StoredRun run) => new(run.Id, run.Experiment, run.Name, run.Status.ToString().ToLowerInvariant(), run.Started, run.Finished,
        run.ExitCode, run.SweepId, run.Heartbeat, run.Summary, Parse(run.ConfigJson));

    static string FileUrl(string runId, string path) => $"/api/runs/{Uri.EscapeDataString(runId)}/files/{path}";

    static JsonNode? Parse(string? json)
    {
        if (json is null) return null;
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    static IResult Asset(string name)
    {
        var contentType = Path.GetExtension(name) switch
        {
            ".html" => "text/html; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            _ => null,
        };
        var stream = contentType is null ? null : typeof(DashboardApi).Assembly.GetManifestResourceStream("Dashboard/" + name);
        return stream is null ? Results.NotFound() : Results.Stream(stream, contentType);
    }
}
