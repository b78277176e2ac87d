namespace Research.Framework.Tracking;

/// <summary>What <see cref="Trackers.FromEnvironment"/> adds beyond the always-on local JSONL sink.</summary>
public sealed record TrackerOptions
{
    /// <summary>Also write TensorBoard event files (also turned on by <c>RESEARCH_TENSORBOARD=1</c>).</summary>
    public bool TensorBoard { get; init; }

    /// <summary>
    /// The runs folder whose <c>runs.db</c> indexes this run; by default the grandparent of a run folder that has a
    /// config.json (<c>&lt;runs&gt;/&lt;experiment&gt;/&lt;run-id&gt;</c>), and no index otherwise.
    /// </summary>
    public string? RunsFolder { get; init; }

    /// <summary>Reads environment variables (the process environment by default; tests pass their own).</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>Where sink failures are described (stderr by default).</summary>
    public Action<string>? Warn { get; init; }

    /// <summary>The run's project, name, group, job type and tags for the W&amp;B sink (wandb.init's arguments); the environment's when null.</summary>
    public RunIdentity? Run { get; init; }

    /// <summary>Batching and retry settings of the W&amp;B sink.</summary>
    public WandbTrackerOptions Wandb { get; init; } = new();
}
