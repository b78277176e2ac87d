namespace Research.Framework.Tracking;

/// <summary>
/// Builds a run's sinks from the environment, so turning W&amp;B on is one variable and never a code change:
/// JSONL always (the run folder is the record of truth and what <see cref="WandbSync"/> replays), TensorBoard when
/// asked, and W&amp;B when <c>WANDB_API_KEY</c> is set and <c>WANDB_MODE</c> is online (offline and disabled keep it local).
/// </summary>
public static class Trackers
{
    /// <summary>The sinks for a run in <paramref name="runDirectory"/> whose config is the JSON object <paramref name="configJson"/>.</summary>
    public static CompositeTracker FromEnvironment(string runDirectory, string? configJson = null, TrackerOptions? options = null)
    {
        options ??= new TrackerOptions();
        var warn = options.Warn ?? Console.Error.WriteLine;
        var sinks = new List<ITracker> { new JsonlTracker(runDirectory) };
        if (options.TensorBoard || options.Environment("RESEARCH_TENSORBOARD") is "1" or "true")
            sinks.Add(new TensorBoardTracker(runDirectory));
        var wandb = WandbSettings.FromEnvironment(options.Environment);
        if (wandb.ApiKey is not null && wandb.Mode == WandbMode.Online)
            sinks.Add(new WandbTracker(wandb, configJson, options.Wandb with { Client = options.Wandb.Client with { Warn = warn } }));
        return new CompositeTracker(sinks, warn);
    }
}
