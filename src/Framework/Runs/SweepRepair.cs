using System.Text.Json;
using System.Text.Json.Nodes;
using Research.Framework.Sweeps;
using Research.Framework.Sweeps.Trials;
using Research.Framework.Tracking;
using Research.Framework.Tracking.RunIndex;

namespace Research.Framework.Runs;

/// <summary>
/// Rebuilds a sweep's trials from its run folders after its trial store was lost (<c>sweep --repair</c>): every run
/// folder whose config.json names the sweep (<c>sweep_id</c>) and the trial (<c>trial</c>: number and parameters) is
/// put back with its number, parameters and run folder: complete with the objective from its summary.json, or waiting
/// (to resume from its checkpoint) when the summary has no objective yet. Its intermediate values come from metrics.jsonl,
/// so pruners see what they saw. The sweep's enqueued trials that never ran are enqueued again.
/// </summary>
public static class SweepRepair
{
    /// <summary>What a repair put back.</summary>
    /// <param name="Complete">Trials restored as complete.</param>
    /// <param name="Waiting">Trials restored as waiting, to resume from their run folders.</param>
    /// <param name="Enqueued">Enqueued trials that had not run, enqueued again.</param>
    public sealed record Outcome(int Complete, int Waiting, int Enqueued);

    /// <summary>
    /// Restores into <paramref name="sweep"/> (just created, empty) the trials found under <paramref name="runsRoot"/>,
    /// reading <paramref name="intermediateMetric"/> from their histories, then enqueues each of <paramref name="enqueued"/>
    /// that no restored trial already ran.
    /// </summary>
    public static Outcome Restore(ITrialStore store, SweepStudy sweep, string runsRoot, string intermediateMetric, IReadOnlyList<IReadOnlyDictionary<string, string>> enqueued)
    {
        var found = RunLayout.RunsUnder(runsRoot).Select(run => Read(run, sweep)).OfType<FoundTrial>().OrderBy(t => t.Number).ToList();
        var taken = new HashSet<int>();
        int complete = 0, waiting = 0;
        foreach (var trial in found)
        {
            var number = trial.Number;
            if (!taken.Add(number)) taken.Add(number = taken.Max() + 1);   // two folders claim one number: the later one gets a free number
            var value = Objective(trial.Layout, sweep.Objective.Metric);
            store.Restore(sweep.Id, number, value is null ? TrialState.Waiting : TrialState.Complete, trial.Parameters, value,
                Intermediate(trial.Layout, intermediateMetric), Path.GetFullPath(trial.Layout.Directory));
            if (value is null) waiting++;
            else complete++;
        }
        var ran = found.Select(t => t.Parameters).ToList();
        var again = 0;
        foreach (var parameters in enqueued)
        {
            if (ran.FindIndex(p => Same(p, parameters)) is var index and >= 0)
            {
                ran.RemoveAt(index);
                continue;
            }
            store.Enqueue(sweep.Id, parameters);
            again++;
        }
        return new Outcome(complete, waiting, again);
    }

    sealed record FoundTrial(RunLayout Layout, int Number, IReadOnlyDictionary<string, string> Parameters);

    /// <summary>The trial a run folder records for <paramref name="sweep"/>, or null when it is not one of its trials.</summary>
    static FoundTrial? Read(RunLayout run, SweepStudy sweep)
    {
        try
        {
            var config = JsonNode.Parse(File.ReadAllText(run.Config));
            if ((string?)config?["sweep_id"] != sweep.Name || (string?)config?["experiment"] != sweep.Experiment) return null;
            if (config?["trial"] is not JsonObject trial || trial["number"] is not JsonValue number || trial["parameters"] is not JsonObject parameters) return null;
            return new FoundTrial(run, number.GetValue<int>(), parameters.ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<string>()));
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException or FormatException or IOException)
        {
            return null;   // an unreadable record is no trial to restore
        }
    }

    /// <summary>The objective in the run's summary.json, or null when it has none (the run has not finished).</summary>
    static double? Objective(RunLayout run, string metric)
    {
        try
        {
            return File.Exists(run.Summary) && JsonNode.Parse(File.ReadAllText(run.Summary))?[metric] is JsonValue value && value.TryGetValue<double>(out var number)
                ? number : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The metric's logged values by step from metrics.jsonl (a torn line is skipped).</summary>
    static List<(long Step, double Value)> Intermediate(RunLayout run, string metric)
    {
        if (!File.Exists(run.Metrics)) return [];
        var values = new SortedDictionary<long, double>();
        foreach (var line in File.ReadLines(run.Metrics))
            if (RunStore.ParseHistoryLine(line) is { } row)
                foreach (var (key, value) in row.Values.Where(kv => kv.Key == metric))
                    values[row.Step] = value;
        return [.. values.Select(kv => (kv.Key, kv.Value))];
    }

    static bool Same(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var value) && value == kv.Value);
}
