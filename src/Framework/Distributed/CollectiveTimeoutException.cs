namespace Research.Framework.Distributed;

/// <summary>
/// A collective that did not complete in time: another rank died, hangs or took another path through the code. The
/// run cannot go on (the ranks no longer agree on the weights); the last checkpoint is intact (rank 0 writes it
/// atomically), so a restart resumes from it.
/// </summary>
public sealed class CollectiveTimeoutException(string message) : Exception(message);
