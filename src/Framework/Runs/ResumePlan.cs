using System.Text.Json.Nodes;
using Research.Framework.Experiments;

namespace Research.Framework.Runs;

/// <summary>A setting a resume changed on purpose (<c>--allow-change</c>), recorded in config.json at the step it took effect.</summary>
public sealed record SettingChange(string Key, string? From, string? To);

/// <summary>How to continue a run folder.</summary>
/// <param name="Directory">The run folder.</param>
public sealed record ResumeOptions(string Directory)
{
    /// <summary>The deliberate changes to record in config.json (at the checkpoint's step).</summary>
    public IReadOnlyList<SettingChange> Changes { get; init; } = [];

    /// <summary>
    /// Whether a folder without a loadable checkpoint starts over in place (its history cleared) instead of being
    /// refused: <c>--restart</c>, and a sweep trial that stopped before its first checkpoint.
    /// </summary>
    public bool RestartWithoutCheckpoint { get; init; }
}

/// <summary>
/// The plan of a resumed run, from the run's own record: its experiment and every override it was started with.
/// Overrides given again must keep their recorded values; only the step count and the learning-rate schedule may
/// change, each named in <c>--allow-change</c> — anything else would change the model, the data or the objective
/// under a half-trained run.
/// </summary>
public static class ResumePlan
{
    /// <summary>
    /// The settings a resume may change (with <c>--allow-change</c>): how long to train, the schedule, and where and in
    /// how many pieces it computes (threads, device: checkpoints load onto any device; the micro-batch: the accumulated
    /// gradients are the batch's; the precision: checkpoints hold float32 master weights, AdamW state and EMA tracks
    /// whatever the precision, and load into a bf16 or a float32 network alike).
    /// </summary>
    public static IReadOnlyList<string> Changeable { get; } = ["Steps", "Optimizer.Schedule", "Optimizer.WarmupSteps", "Optimizer.MinLearningRateRatio", "Threads", "Device", "MicroBatch", "Precision"];

    /// <summary>
    /// The plan that continues <paramref name="record"/> with <paramref name="arguments"/> (<c>--Key value</c> pairs)
    /// applied over its recorded overrides; a change not allowed is a <see cref="RunFolderException"/> naming the setting.
    /// </summary>
    public static (ExperimentPlan Plan, ResumeOptions Resume) Build(IExperiment experiment, RecordedRun record, IReadOnlyList<string> arguments,
        IReadOnlyCollection<string> allowChange, bool restart = false)
    {
        record.OfExperiment(experiment.Name);
        var allowed = allowChange.Select(key => Changeable.FirstOrDefault(c => string.Equals(c, key, StringComparison.OrdinalIgnoreCase))
            ?? throw new RunFolderException($"--allow-change {key}: a resume may change only {string.Join(", ", Changeable)}; " +
                $"{key} changes the model, the data or the objective, so start a new run for it.")).ToHashSet();
        var given = Overrides.Apply(experiment.Name, experiment.Defaults(), arguments);
        var merged = new Dictionary<string, string>(record.Overrides);
        foreach (var (key, value) in given) merged[key] = value;
        var plan = Overrides.Plan(experiment, merged.SelectMany(kv => new[] { "--" + kv.Key, kv.Value }).ToArray());

        var changes = new List<SettingChange>();
        foreach (var (key, recorded) in record.Config.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var now = plan.Config.TryGetValue(key, out var value) ? value?.ToString() : null;
            if (now == recorded) continue;
            if (!allowed.Contains(key))
                throw new RunFolderException($"resume: --{key} {now} would change the run's {key} (recorded {recorded ?? "none"}); " +
                    (Changeable.Contains(key) ? $"add --allow-change {key} to change it from here on." : "it changes the model, the data or the objective, so start a new run for it."));
            changes.Add(new SettingChange(key, recorded, now));
        }
        return (plan, new ResumeOptions(record.Directory) { Changes = changes, RestartWithoutCheckpoint = restart });
    }

    /// <summary>
    /// config.json's text with <paramref name="changes"/> applied to its settings (typed by <paramref name="types"/>, as
    /// <see cref="SettingJson"/> writes them) and listed under "changes" at <paramref name="step"/>.
    /// </summary>
    public static string Record(RecordedRun record, IReadOnlyList<SettingChange> changes, long step, IReadOnlyDictionary<string, string>? types = null)
    {
        var json = record.Json;
        if (json["changes"] is not JsonArray log) json["changes"] = log = [];
        foreach (var change in changes)
        {
            if (json["config"] is JsonObject config) config[change.Key] = SettingJson.Value(change.To, types?.GetValueOrDefault(change.Key));
            if (json["overrides"] is JsonObject overrides) overrides[change.Key] = change.To;
            log.Add(new JsonObject { ["step"] = step, ["key"] = change.Key, ["from"] = change.From, ["to"] = change.To });
        }
        return json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }
}
