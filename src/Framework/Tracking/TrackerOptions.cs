using Research.Framework.Tracking.Wandb;

namespace Research.Framework.Tracking;

/// <summary>What <see cref="Trackers.FromEnvironment"/> adds beyond the always-on local JSONL sink.</summary>
public sealed record TrackerOptions
{
    /// <summary>
    /// The experiment's `Tracker.*` settings: W&amp;B project, group, tags and job type (empty values leave the
    /// <c>WANDB_*</c> variables in charge), and TensorBoard files (also turned on by <c>RESEARCH_TENSORBOARD=1</c>).
    /// </summary>
    public TrackingSettings Filing { get; init; } = new();

    /// <summary>The W&amp;B project when neither <see cref="Filing"/> nor <c>WANDB_PROJECT</c> names one (the experiment's name).</summary>
    public string? DefaultProject { get; init; }

    /// <summary>More sinks for the run folder (an experiment's [Tracker(typeof(T))] types), each built from the run folder's path.</summary>
    public IReadOnlyList<Func<string, ITracker>> ExtraSinks { get; init; } = [];

    /// <summary>
    /// The runs folder whose <c>runs.db</c> indexes this run; by default the grandparent of a run folder that has a
    /// config.json (<c>&lt;runs&gt;/&lt;experiment&gt;/&lt;run-id&gt;</c>), and no index otherwise.
    /// </summary>
    public string? RunsFolder { get; init; }

    /// <summary>Reads environment variables (the process environment by default; tests pass their own).</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>The W&amp;B settings when the caller has already read (and validated) them; otherwise read from <see cref="Environment"/>.</summary>
    public WandbSettings? WandbSettings { get; init; }

    /// <summary>Where sink failures are described (stderr by default).</summary>
    public Action<string>? Warn { get; init; }

    /// <summary>Batching and retry settings of the W&amp;B sink.</summary>
    public WandbTrackerOptions Wandb { get; init; } = new();
}
