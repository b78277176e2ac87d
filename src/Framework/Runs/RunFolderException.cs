namespace Research.Framework.Runs;

/// <summary>
/// A run folder that cannot be used as asked (not a run record, held by another process, a resume that would change
/// the run or restart it in place): the user's to fix, so the command layer prints it with exit code 2.
/// </summary>
public sealed class RunFolderException(string message) : Exception(message);
