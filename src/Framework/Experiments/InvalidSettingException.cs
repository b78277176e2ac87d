namespace Research.Framework.Experiments;

/// <summary>
/// A setting that cannot be applied: an unknown key, a value that does not parse, or a value the components reject.
/// The message names the key and the valid choices; the command layer prints it as a usage error (exit code 2).
/// </summary>
public sealed class InvalidSettingException(string message) : Exception(message);
