using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Research.Framework.Experiments;
using Research.Framework.Sweeps;
using Research.Framework.Tracking;
using Research.Framework.Tracking.RunIndex;

namespace Research.Framework.Commands;

/// <summary>
/// `eval RUN-DIR --sweep`: an evaluation sweep without retraining. Repeated settings give the values
/// (<c>--Sampler.Steps 1 --Sampler.Steps 4 --GuidanceScale 1 --GuidanceScale 2</c>) and the grid is every combination
/// (keys in the order first given); or <c>--file F</c> names a W&amp;B sweep file whose method (grid, random, bayes =
/// TPE, the strategies of `sweep`) proposes the points over its parameters, up to its run_cap or <c>--trials</c>. Each
/// point is one ordinary evaluation with its own file, and the sweep is recorded in RUN-DIR/eval-sweep-&lt;id&gt;.json: the
/// objective (the file's metric, else each evaluation's first metric, lower is better: SWD on toys, FD on images), every
/// point with its value, file and command, and the best; and filed in the run index for the dashboard's sweep page
/// (<see cref="EvalSweepCard"/>). <c>--best</c> prints the newest sweep's winner.
/// </summary>
internal static class EvalSweep
{
    const string FilePrefix = RunLayout.EvalSweepFilePrefix;

    /// <summary>
    /// Runs the sweep <paramref name="request"/> describes: the grid of repeated <paramref name="settings"/> (every
    /// point's plan built first, so a bad value is exit 2 before any sampling), or the points a sweep file's strategy
    /// proposes (the other settings fixed); then records it.
    /// </summary>
    public static void Run(EvalRequest request, IExperiment experiment, IReadOnlyList<KeyValuePair<string, string>> settings,
        Func<IReadOnlyList<KeyValuePair<string, string>>, ExperimentPlan> plan, Func<IReadOnlyList<KeyValuePair<string, string>>, ExperimentPlan, EvalResult> evaluate,
        TextWriter output)
    {
        if (request.File is null)
        {
            if (request.Trials is not null) throw new UsageException("eval: --trials caps a sweep file's random or bayes search; a grid of repeated settings runs every point.");
            var points = Grid(settings);
            var plans = points.Select(plan).ToList();
            Record(request, [.. points.Zip(plans).Select(p => evaluate(p.First, p.Second))], null, SweepGoal.Minimize, output);
            return;
        }
        var spec = SweepFile.Read(request.File);
        if (spec.Problem is { } problem) throw new InvalidSweepException($"{request.File}: {problem}.");
        var swept = EvalSettings.Check(experiment, [.. spec.Space.Parameters.Select(p => new KeyValuePair<string, string>(p.Key, ""))]).Select(s => s.Key).ToList();
        var fixedSettings = EvalSettings.Single(settings);
        if (fixedSettings.FirstOrDefault(s => swept.Contains(s.Key)) is { Key: not null } both)
            throw new UsageException($"eval: --{both.Key} is a parameter of {request.File}; leave it off the command line.");
        int? cap = request.Trials ?? spec.RunCap;
        if (cap is null && spec.Method != SearchMethod.Grid)
            throw new UsageException($"eval: a {spec.Method.ToString().ToLowerInvariant()} sweep needs a budget: run_cap in {request.File} or --trials N.");
        var strategy = SweepEngine.Strategy(spec);
        var random = new Random(0);   // the same file proposes the same points
        var trials = new List<TrialRecord>();
        var results = new List<EvalResult>();
        var objective = spec.Objective?.Metric;
        while (cap is null || results.Count < cap)
        {
            if (strategy.Suggest(spec.Space, trials, random) is not { } proposed) break;
            var point = swept.Select((key, i) => new KeyValuePair<string, string>(key, proposed[spec.Space.Parameters[i].Key])).Concat(fixedSettings).ToList();
            var result = evaluate(point, plan(point));
            results.Add(result);
            objective ??= result.Metrics.Keys.FirstOrDefault();
            double? value = objective is not null && result.Metrics.TryGetValue(objective, out var v) ? v : null;
            trials.Add(new TrialRecord(results.Count, results.Count - 1, TrialState.Complete, proposed, value, []));
        }
        Record(request, results, objective, spec.Objective?.Goal ?? SweepGoal.Minimize, output);
    }

    /// <summary>Every combination of the values given per key.</summary>
    public static IReadOnlyList<IReadOnlyList<KeyValuePair<string, string>>> Grid(IReadOnlyList<KeyValuePair<string, string>> settings)
    {
        if (settings.Count == 0)
            throw new UsageException("eval --sweep: give the values to sweep by repeating settings, e.g. --Sampler.Steps 1 --Sampler.Steps 4 --GuidanceScale 1 --GuidanceScale 2, or a sweep file with --file.");
        var axes = settings.GroupBy(s => s.Key).Select(g => (Key: g.Key, Values: g.Select(s => s.Value).Distinct().ToList())).ToList();
        IEnumerable<IReadOnlyList<KeyValuePair<string, string>>> points = [[]];
        foreach (var (key, values) in axes)
            points = points.SelectMany(point => values.Select(value => (IReadOnlyList<KeyValuePair<string, string>>)[.. point, new(key, value)])).ToList();
        return points.ToList();
    }

    /// <summary>Prints the table and the best point (by <paramref name="objective"/>, else the first metric), and records the sweep in the run folder.</summary>
    static void Record(EvalRequest request, IReadOnlyList<EvalResult> results, string? objective, SweepGoal goal, TextWriter output)
    {
        objective ??= results[0].Metrics.Keys.FirstOrDefault()
            ?? throw new UsageException("eval --sweep: the evaluations gave no metric to compare (image data without a reference); the samples were written.");
        if (results.All(r => !r.Metrics.ContainsKey(objective)))
            throw new UsageException($"eval --sweep: no evaluation gave the metric '{objective}'; they gave {string.Join(", ", results[0].Metrics.Keys)}.");
        results = [.. results.Select(r => r with { Value = r.Metrics.TryGetValue(objective, out var v) ? v : null })];
        double sign = goal == SweepGoal.Maximize ? -1 : 1;
        var best = results.Where(r => r.Value is { } v && double.IsFinite(v)).MinBy(r => sign * r.Value!.Value);
        var direction = goal == SweepGoal.Maximize ? "maximize" : "minimize";
        var keys = results[0].Settings.Select(s => s.Key).ToList();
        var points = new JsonArray();
        foreach (var result in results) points.Add(Point(result));
        var record = new JsonObject
        {
            ["objective"] = objective,
            ["direction"] = direction,
            ["samples"] = request.Samples,
            ["seed"] = request.Seed,
            ["ema"] = request.Ema,
            ["points"] = points,
            ["best"] = best is null ? null : Point(best),
        };
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(points.ToJsonString())))[..12];
        var path = Path.Combine(request.RunDir, FilePrefix + id + ".json");
        File.WriteAllText(path, record.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

        // The table's columns are the swept settings; a setting with one value is said once above it.
        var swept = keys.Where(k => results.Select(r => Value(r, k)).Distinct().Count() > 1).ToList();
        var fixedSettings = keys.Except(swept).Select(k => $"--{k} {Value(results[0], k)}").ToList();
        output.WriteLine();
        output.WriteLine($"eval sweep: {results.Count} points, {objective} ({(goal == SweepGoal.Maximize ? "higher" : "lower")} is better)" + (fixedSettings.Count == 0 ? "" : ", with " + string.Join(" ", fixedSettings)));
        output.WriteLine(string.Join("  ", swept.Select(k => k.PadRight(Math.Max(k.Length, 8))).Append(objective)));
        foreach (var result in results)
            output.WriteLine(string.Join("  ", swept.Select(k => Value(result, k).PadRight(Math.Max(k.Length, 8))).Append(Number(result.Value))));
        output.WriteLine($"wrote {path}");
        FileInIndex(request.RunDir, path, output);
        if (best is not null) PrintBest(best, objective, output);
    }

    /// <summary>
    /// Files the sweep in the run index of the runs folder that holds RUN-DIR (<c>&lt;runs&gt;/&lt;experiment&gt;/&lt;run-id&gt;</c>),
    /// for the dashboard's sweep page. The record in the run folder stays the truth (a rebuild re-files it), so a
    /// failure here is a warning, not a failed sweep. A run folder whose runs folder has no index (copied elsewhere,
    /// trained without the index sink) makes none: the dashboard builds a missing index from the folders, this record too.
    /// </summary>
    static void FileInIndex(string runDir, string sweepFile, TextWriter output)
    {
        if (RunStore.IndexedRunsFolderOf(runDir) is not { } runsFolder) return;
        try
        {
            using var index = RunStore.Open(runsFolder);
            if (index.FileEvalSweep(runsFolder, runDir, sweepFile) is { } card)
                output.WriteLine($"filed in {index.DatabasePath} as the sweep {card.Name}");
        }
        catch (Exception error)
        {
            Console.Error.WriteLine($"tracking: could not file the evaluation sweep in the run store index ({error.GetType().Name}: {error.Message})");
        }
    }

    /// <summary>`eval RUN-DIR --best`: the newest recorded sweep's best point and the command that repeats it.</summary>
    public static int PrintBest(string runDir, TextWriter output)
    {
        var newest = Directory.EnumerateFiles(runDir, FilePrefix + "*.json").OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
            ?? throw new UsageException($"eval --best: '{runDir}' has no evaluation sweep yet; run `eval {runDir} --sweep --Sampler.Steps 1 --Sampler.Steps 4` (or other settings) first.");
        var (best, objective) = ReadBest(newest);
        output.WriteLine($"from {newest}:");
        PrintBest(best, objective, output);
        return 0;
    }

    /// <summary>The best point and objective of the sweep recorded at <paramref name="path"/>; a torn or hand-edited record is a <see cref="UsageException"/> naming it.</summary>
    static (EvalResult Best, string Objective) ReadBest(string path)
    {
        JsonObject? record, best;
        try
        {
            record = JsonNode.Parse(File.ReadAllText(path)) as JsonObject;
            best = record?["best"] as JsonObject;
            if (record is not null && best is null && record["points"] is JsonArray)
                throw new UsageException($"eval --best: the sweep {path} has no best point (no finite metric).");
            if (record?["objective"] is JsonValue objective && best?["file"] is JsonValue file && best["command"] is JsonValue command)
            {
                var settings = (best["settings"] as JsonObject ?? []).Select(kv => new KeyValuePair<string, string>(kv.Key, kv.Value?.GetValue<string>() ?? "")).ToList();
                var result = new EvalResult(settings, file.GetValue<string>(), new Dictionary<string, double>(), command.GetValue<string>()) { Value = best["value"]?.GetValue<double>() };
                return (result, objective.GetValue<string>());
            }
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException or FormatException)
        {
            throw new UsageException($"eval --best: the sweep record {path} is not readable ({error.Message}); delete it or run the sweep again.");
        }
        throw new UsageException($"eval --best: the sweep record {path} is not readable (it lacks the objective or the best point's file and command); delete it or run the sweep again.");
    }

    static void PrintBest(EvalResult best, string objective, TextWriter output)
    {
        output.WriteLine($"best: {string.Join(" ", best.Settings.Select(s => $"--{s.Key} {s.Value}"))} → {objective} {Number(best.Value)} ({best.File})");
        output.WriteLine($"repeat it: {best.Command}");
    }

    static JsonObject Point(EvalResult result)
    {
        var settings = new JsonObject();
        foreach (var (key, value) in result.Settings) settings[key] = value;
        return new JsonObject
        {
            ["settings"] = settings,
            ["value"] = result.Value is { } v && double.IsFinite(v) ? v : null,
            ["file"] = result.File,
            ["command"] = result.Command,
        };
    }

    static string Value(EvalResult result, string key) => result.Settings.First(s => s.Key == key).Value;

    static string Number(double? value) => value?.ToString("G6", CultureInfo.InvariantCulture) ?? "—";
}
