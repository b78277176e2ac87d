using System.Text.Json;
using System.Text.Json.Nodes;
using Research.Framework.Tracking.RunIndex;
using Research.Framework.Tracking.TensorBoard;
using Research.Framework.Tracking.Wandb;

namespace Research.Framework.Tracking;

/// <summary>
/// Builds a run's sinks from the environment, so turning W&amp;B on is one variable and never a code change:
/// JSONL always (the run folder is the record of truth and what <see cref="WandbSync"/> replays), the
/// <see cref="RunStore"/> index whenever the runs folder is known, TensorBoard when asked, and W&amp;B when <c>WANDB_API_KEY</c> is set and <c>WANDB_MODE</c> is online (offline and disabled keep it local).
/// </summary>
public static class Trackers
{
    /// <summary>
    /// <c>wandb.init</c>'s shape: the sinks for a run in <paramref name="runDirectory"/> filed under
    /// <paramref name="project"/>, <paramref name="name"/>, <paramref name="group"/>, <paramref name="jobType"/> and
    /// <paramref name="tags"/> (null leaves each to <paramref name="options"/> and the <c>WANDB_*</c> variables), with
    /// <paramref name="config"/> as the run's configuration. Then <see cref="ITracker.Log"/>, <see cref="ITracker.LogImage"/>,
    /// <see cref="ITracker.SetSummary"/> and <see cref="ITracker.Finish"/>; <c>WANDB_MODE</c> chooses online, offline or disabled.
    /// </summary>
    public static CompositeTracker Init(string runDirectory, string? project = null, string? name = null, string? group = null, string? jobType = null,
        IEnumerable<string>? tags = null, IReadOnlyDictionary<string, object?>? config = null, TrackerOptions? options = null)
    {
        options ??= new TrackerOptions();
        var filing = options.Filing with
        {
            Project = project ?? options.Filing.Project,
            Name = name ?? options.Filing.Name,
            Group = group ?? options.Filing.Group,
            JobType = jobType ?? options.Filing.JobType,
            Tags = tags is null ? options.Filing.Tags : string.Join(',', tags),
        };
        return FromEnvironment(runDirectory, config is null ? null : JsonSerializer.Serialize(config), options with { Filing = filing });
    }

    /// <summary>The sinks for a run in <paramref name="runDirectory"/> whose config is the JSON object <paramref name="configJson"/>.</summary>
    public static CompositeTracker FromEnvironment(string runDirectory, string? configJson = null, TrackerOptions? options = null)
    {
        options ??= new TrackerOptions();
        var warn = options.Warn ?? Console.Error.WriteLine;
        var sinks = new List<ITracker> { new JsonlTracker(runDirectory) };
        if (RunsFolder(runDirectory, options) is { } runsFolder)
        {
            try
            {
                sinks.Add(RunStoreTracker.Open(runsFolder, runDirectory, configJson));
            }
            catch (Exception error)
            {
                // The index can be rebuilt from the folder later; the run itself must not fail for it.
                warn($"tracking: the run store index in '{runsFolder}' is unavailable ({error.GetType().Name}: {error.Message}); the run folder is still written");
            }
        }
        if (options.Filing.TensorBoard || options.Environment("RESEARCH_TENSORBOARD") is "1" or "true")
            sinks.Add(new TensorBoardTracker(runDirectory));
        foreach (var create in options.ExtraSinks)
        {
            try
            {
                sinks.Add(create(runDirectory));
            }
            catch (Exception error)
            {
                // An experiment's own sink must not cost the run its local record, as with the index above.
                warn($"tracking: an extra sink could not start ({error.GetType().Name}: {error.Message}); the run goes on without it");
            }
        }
        var wandb = options.WandbSettings ?? WandbSettings.FromEnvironment(options.Environment, options.Filing, options.DefaultProject);
        if (wandb.ApiKey is not null && wandb.Mode == WandbMode.Online)
            sinks.Add(new WandbTracker(wandb, configJson, options.Wandb with
            {
                FinishTimeout = wandb.FinishTimeout ?? options.Wandb.FinishTimeout,
                Client = options.Wandb.Client with { Warn = warn },
            }));
        return new CompositeTracker(sinks, warn);
    }

    /// <summary>
    /// The runs folder: <see cref="TrackerOptions.RunsFolder"/>, or else the grandparent of a run folder laid out as
    /// <c>&lt;runs&gt;/&lt;experiment&gt;/&lt;run-id&gt;</c>, recognised by the config.json that
    /// <c>Runs.RunDirectory</c> writes (its <c>experiment</c> and <c>run_id</c> name the two folders);
    /// null when unknown, so an arbitrary folder never puts an index next to itself.
    /// </summary>
    static string? RunsFolder(string runDirectory, TrackerOptions options)
    {
        if (options.RunsFolder is { } explicitFolder) return explicitFolder;
        var configPath = new RunLayout(runDirectory).Config;
        if (!File.Exists(configPath)) return null;
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(runDirectory));
        var experimentFolder = Path.GetDirectoryName(full);
        try
        {
            var laidOut = JsonNode.Parse(File.ReadAllText(configPath)) is JsonObject config
                && config["run_id"]?.GetValueKind() == JsonValueKind.String && (string?)config["run_id"] == Path.GetFileName(full)
                && config["experiment"]?.GetValueKind() == JsonValueKind.String && (string?)config["experiment"] == Path.GetFileName(experimentFolder);
            return laidOut ? Path.GetDirectoryName(experimentFolder) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
