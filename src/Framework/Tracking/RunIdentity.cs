namespace Research.Framework.Tracking;

/// <summary>
/// How a run presents itself, as <c>wandb.init(project, name, group, job_type, tags)</c> takes it (the config travels
/// separately as the run's config JSON): a sweep worker, say, groups its trials without touching the environment.
/// Values set here win over the <c>WANDB_*</c> variables; null ones leave those in force. The local index names a run
/// by its folder's config (<see cref="RunStore.DescribeRun"/>), so it stays rebuildable from the folder alone.
/// </summary>
public sealed record RunIdentity
{
    /// <summary>The project (<c>WANDB_PROJECT</c> otherwise).</summary>
    public string? Project { get; init; }

    /// <summary>The display name (<c>WANDB_NAME</c> otherwise).</summary>
    public string? Name { get; init; }

    /// <summary>The group, e.g. a sweep id (<c>WANDB_RUN_GROUP</c> otherwise).</summary>
    public string? Group { get; init; }

    /// <summary>The job type, e.g. train or eval (<c>WANDB_JOB_TYPE</c> otherwise).</summary>
    public string? JobType { get; init; }

    /// <summary>The tags (<c>WANDB_TAGS</c> otherwise).</summary>
    public IReadOnlyList<string>? Tags { get; init; }
}
