using Research.Framework.Experiments;
using Research.Framework.Runs;
using Research.Framework.Sweeps;

namespace Research.Framework.Commands;

/// <summary>
/// The one place where the library's own exceptions become usage errors: a mistake on the command line
/// (<see cref="UsageException"/>), a setting that cannot be applied (<see cref="InvalidSettingException"/>) a sweep
/// that cannot be set up (<see cref="InvalidSweepException"/>) a run folder that cannot be used as asked (<see cref="RunFolderException"/>) or a multi-process launch this process cannot join (<see cref="Distributed.DistributedLaunchException"/>) is printed with its message and exits with code 2.
/// Anything else is a bug or a failure of the run, and keeps its stack trace.
/// </summary>
public static class UsageErrors
{
    /// <summary>The exit code of a usage error.</summary>
    public const int ExitCode = 2;

    /// <summary>Whether <paramref name="error"/> is the user's to fix (the message says how).</summary>
    public static bool IsUsageError(Exception error) => error is UsageException or InvalidSettingException or InvalidSweepException or RunFolderException
        or Distributed.DistributedLaunchException;

    /// <summary>Prints the usage error and returns its exit code.</summary>
    public static int Report(Exception error, TextWriter output)
    {
        output.WriteLine($"error: {error.Message}");
        output.WriteLine("Try --help.");
        return ExitCode;
    }
}
