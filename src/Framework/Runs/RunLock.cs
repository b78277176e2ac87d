using System.Globalization;

namespace Research.Framework.Runs;

/// <summary>
/// One writer per run folder: an exclusive OS lock (a <c>.lock</c> file opened with <see cref="FileShare.None"/>,
/// which .NET takes as <c>flock(LOCK_EX)</c> on Unix) held until disposed. The OS drops the lock when its process
/// dies, so a stale lock of a dead process is simply taken over. The holder's PID goes into <c>.lock.pid</c> (the
/// locked file itself cannot be read by another process) so the refusal can name it.
/// </summary>
public sealed class RunLock : IDisposable
{
    /// <summary>The lock file's name in the run folder.</summary>
    public const string FileName = ".lock";

    readonly FileStream handle;

    RunLock(FileStream handle) => this.handle = handle;

    /// <summary>
    /// Takes the run folder's lock; a folder another process (or handle) holds is a <see cref="RunFolderException"/>
    /// naming the holder's PID.
    /// </summary>
    public static RunLock Acquire(string runDirectory)
    {
        var path = Path.Combine(runDirectory, FileName);
        try
        {
            var handle = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            File.WriteAllText(PidPath(runDirectory), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            return new RunLock(handle);
        }
        catch (IOException) when (File.Exists(path))
        {
            var holder = File.Exists(PidPath(runDirectory)) ? File.ReadAllText(PidPath(runDirectory)).Trim() : "unknown";
            throw new RunFolderException($"{runDirectory} is in use by another process (PID {holder} holds {path}); " +
                "wait for it to finish or stop it, then resume. One process writes a run folder at a time.");
        }
    }

    /// <summary>
    /// Whether the folder's writer is gone: the folder has a lock file and no process holds its lock (the OS dropped it
    /// with the process), so the dashboard can call a run crashed at once instead of after a silence. A folder never
    /// locked (written by an older version, or by hand) is not called abandoned. The probe asks for a shared lock
    /// without waiting, which fails while a writer holds its exclusive one.
    /// </summary>
    public static bool IsAbandoned(string runDirectory)
    {
        var path = Path.Combine(runDirectory, FileName);
        if (!File.Exists(path)) return false;
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            return true;
        }
        catch (IOException)
        {
            return false;   // held (or gone between the two calls)
        }
        catch (UnauthorizedAccessException)
        {
            return false;   // cannot tell: leave it to the silence rule
        }
    }

    static string PidPath(string runDirectory) => Path.Combine(runDirectory, FileName + ".pid");

    /// <summary>Releases the lock (the files stay; the next holder overwrites the PID).</summary>
    public void Dispose() => handle.Dispose();
}
