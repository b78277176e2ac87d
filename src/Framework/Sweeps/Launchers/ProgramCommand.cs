using System.Diagnostics;
using System.Reflection;

namespace Research.Framework.Sweeps.Launchers;

/// <summary>
/// How to start this program again: its executable and the arguments before the command (<c>dotnet X.dll</c> when it
/// runs through the dotnet host, the apphost alone otherwise), so launchers start workers that are the same build.
/// </summary>
/// <param name="FileName">The executable.</param>
/// <param name="Prefix">Arguments that come before the program's own (the entry assembly for the dotnet host).</param>
public sealed record ProgramCommand(string FileName, IReadOnlyList<string> Prefix)
{
    /// <summary>The running program's command.</summary>
    public static ProgramCommand Current()
    {
        var path = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this program's executable is unknown; start the workers by hand with `sweep-worker`");
        var entry = Assembly.GetEntryAssembly()?.Location;
        return Path.GetFileNameWithoutExtension(path) == "dotnet" && !string.IsNullOrEmpty(entry) ? new(path, [entry]) : new(path, []);
    }

    /// <summary>A process start for <paramref name="arguments"/> with its output captured.</summary>
    public ProcessStartInfo StartInfo(IEnumerable<string> arguments) => new(FileName, [.. Prefix, .. arguments])
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
    };

    /// <summary>The command line as a POSIX shell reads it (every word quoted where needed).</summary>
    public string ShellLine(IEnumerable<string> arguments) => string.Join(' ', new[] { FileName }.Concat(Prefix).Concat(arguments).Select(Quote));

    /// <summary>A word for a POSIX shell: as it is when safe, else single-quoted.</summary>
    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,@%+".Contains(c)) ? word : "'" + word.Replace("'", "'\\''") + "'";
}
