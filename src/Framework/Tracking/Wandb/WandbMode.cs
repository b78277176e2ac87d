namespace Research.Framework.Tracking.Wandb;

/// <summary><c>WANDB_MODE</c>: where a run's data goes.</summary>
public enum WandbMode
{
    /// <summary>Stream to the W&amp;B server as the run goes (<c>online</c>, legacy <c>run</c>).</summary>
    Online,

    /// <summary>Keep everything local, ready for <see cref="WandbSync"/> (<c>offline</c>, legacy <c>dryrun</c>).</summary>
    Offline,

    /// <summary>No W&amp;B at all (<c>disabled</c>).</summary>
    Disabled,
}
