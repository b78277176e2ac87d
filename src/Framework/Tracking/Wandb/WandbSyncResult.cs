namespace Research.Framework.Tracking.Wandb;

/// <summary>What one <see cref="WandbSync"/> pass sent.</summary>
/// <param name="RunId">The W&amp;B run the folder maps to (kept in <c>wandb-sync.json</c>).</param>
/// <param name="HistoryLines">New history lines sent.</param>
/// <param name="Files">Media files uploaded.</param>
/// <param name="Summary">Whether the summary was (re)sent.</param>
/// <param name="Completed">Whether this pass marked the run complete.</param>
public sealed record WandbSyncResult(string RunId, long HistoryLines, int Files, bool Summary, bool Completed)
{
    /// <summary>True when the folder had nothing the server lacked (no request was made).</summary>
    public bool NothingNew => HistoryLines == 0 && Files == 0 && !Summary && !Completed;
}
