namespace Research.Framework.Sweeps.Trials;

/// <summary>
/// The trial store's file is damaged (not a database, or a malformed page): no trial can be handed out or recorded. The
/// trials' results are safe in their run folders; <paramref name="repair"/>, when the command layer knows it, is the
/// command that rebuilds the store from them. Printed as one line with exit code 1, not a stack trace.
/// </summary>
/// <param name="location">The store's file.</param>
/// <param name="detail">What SQLite said.</param>
/// <param name="repair">The command that repairs it, or null for the generic advice.</param>
/// <param name="inner">The database error.</param>
public sealed class TrialStoreDamagedException(string location, string detail, string? repair = null, Exception? inner = null)
    : Exception($"the trial store {location} is damaged ({detail}). The trials' results are safe in their run folders; " +
        $"rebuild the store from them with `{repair ?? "sweep NAME --repair"}`" + (repair is null ? " (the sweep's own command with --repair added)." : "."), inner)
{
    /// <summary>The store's file.</summary>
    public string Location { get; } = location;

    /// <summary>What SQLite said.</summary>
    public string Detail { get; } = detail;

    /// <summary>The same error, naming <paramref name="command"/> as the way to repair the store.</summary>
    public TrialStoreDamagedException WithRepair(string command) => new(Location, Detail, command, InnerException);
}
