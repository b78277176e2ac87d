namespace Research.Framework.Commands;

/// <summary>A command-line mistake: printed with the valid choices, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
