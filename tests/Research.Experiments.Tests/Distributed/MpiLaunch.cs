using System.Diagnostics;

namespace Research.Experiments.Tests.Distributed;

/// <summary>
/// Starts the built program under Open MPI's <c>mpirun</c> (installed by .ci/run: openmpi-bin, libopenmpi-dev), one
/// libtorch thread per rank, as root where the tests run as root.
/// </summary>
sealed class MpiLaunch : IDisposable
{
    readonly Process process;
    readonly Task<string> output, error;
    readonly Stopwatch clock = Stopwatch.StartNew();

    MpiLaunch(Process process)
    {
        this.process = process;
        output = process.StandardOutput.ReadToEndAsync();
        error = process.StandardError.ReadToEndAsync();
    }

    /// <summary>The program's dll beside the tests (the project references it).</summary>
    static string Program => Path.Combine(AppContext.BaseDirectory, "Research.Experiments.dll");

    /// <summary>Starts <c>mpirun -np <paramref name="ranks"/> dotnet Research.Experiments.dll <paramref name="arguments"/></c>.</summary>
    public static MpiLaunch Start(int ranks, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("mpirun")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // --oversubscribe: more ranks than this machine's 2 cores may be free; --bind-to none: no rank pinned to a busy core.
        foreach (var a in (string[])["-np", ranks.ToString(System.Globalization.CultureInfo.InvariantCulture), "--oversubscribe", "--bind-to", "none", "dotnet", Program, .. arguments])
            start.ArgumentList.Add(a);
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
        start.Environment["OMPI_MCA_btl_vader_single_copy_mechanism"] = "none";   // containers without ptrace permission
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        try
        {
            return new MpiLaunch(Process.Start(start)!);
        }
        catch (System.ComponentModel.Win32Exception missing)
        {
            throw new InvalidOperationException("mpirun is not installed: apt-get install openmpi-bin libopenmpi-dev (.ci/run does).", missing);
        }
    }

    /// <summary>mpirun's process id (the ranks are its children).</summary>
    public int Id => process.Id;

    /// <summary>Time since the start.</summary>
    public TimeSpan Elapsed => clock.Elapsed;

    /// <summary>Whether mpirun has ended.</summary>
    public bool HasExited => process.HasExited;

    /// <summary>Waits for mpirun (at most <paramref name="limit"/>, then kills it and fails); its exit code and output.</summary>
    public (int Code, string Output, string Error) Wait(TimeSpan limit)
    {
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"mpirun did not end within {limit.TotalSeconds:0} s:\n{output.Result}\n{error.Result}");
        }
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>The process id of rank <paramref name="rank"/>: the child of mpirun whose environment says so.</summary>
    public int? RankProcess(int rank)
    {
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out int pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(folder, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) != process.Id) continue;
                var environment = File.ReadAllText(Path.Combine(folder, "environ")).Split('\0');
                if (environment.Contains($"OMPI_COMM_WORLD_RANK={rank}")) return pid;
            }
            catch (IOException) { }   // a process that ended meanwhile
            catch (UnauthorizedAccessException) { }
        }
        return null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.Dispose();
    }
}
