namespace Research.Framework.Tracking.Wandb;

/// <summary>
/// A run as the server knows it after UpsertBucket: the canonical entity and project (the server resolves the
/// default entity) and how many history lines it already holds, where a resumed run's file_stream offset starts.
/// </summary>
public sealed record WandbBucket(string StorageId, string RunId, string Entity, string Project, long HistoryLineCount);
