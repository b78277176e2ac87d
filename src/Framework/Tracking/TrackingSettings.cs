namespace Research.Framework.Tracking;

/// <summary>
/// Where a run is filed, as flat settings (`Tracker.*`, set by <see cref="Experiments.TrackerAttribute"/>, the command
/// line and sweeps). Empty values leave the <c>WANDB_*</c> environment (or its defaults) in charge.
/// </summary>
public sealed record TrackingSettings
{
    /// <summary>The W&amp;B project (empty = WANDB_PROJECT, else the experiment's name).</summary>
    public string Project { get; init; } = "";
    /// <summary>The run's display name (empty = WANDB_NAME, else W&amp;B's own).</summary>
    public string Name { get; init; } = "";
    /// <summary>The run group (empty = WANDB_RUN_GROUP, or none).</summary>
    public string Group { get; init; } = "";
    /// <summary>Comma-separated tags (empty = WANDB_TAGS, or none).</summary>
    public string Tags { get; init; } = "";
    /// <summary>The job type, e.g. train (empty = WANDB_JOB_TYPE, or none).</summary>
    public string JobType { get; init; } = "";
    /// <summary>Also write TensorBoard event files.</summary>
    public bool TensorBoard { get; init; }
}
