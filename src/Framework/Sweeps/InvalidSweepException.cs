namespace Research.Framework.Sweeps;

/// <summary>
/// A sweep that cannot be set up as asked: a sweep file that does not parse or names unknown settings, a search with
/// nothing to search, a trial store address that is not one. The message names the problem and the valid choices; the
/// command layer prints it as a usage error (exit code 2).
/// </summary>
public sealed class InvalidSweepException(string message) : Exception(message);
