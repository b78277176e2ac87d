namespace Research.Framework.Distributed;

/// <summary>
/// The launcher started several ranks but this process cannot join them (no MPI library to load, an environment
/// that contradicts itself): the user's to fix, so the command line reports it as a usage error (exit code 2).
/// </summary>
public sealed class DistributedLaunchException(string message) : Exception(message);
