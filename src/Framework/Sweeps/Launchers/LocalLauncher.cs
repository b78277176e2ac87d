using System.Diagnostics;

namespace Research.Framework.Sweeps.Launchers;

/// <summary>
/// Starts identical worker processes on this machine and waits for them, relaying each line of their output with the
/// worker's name in front. They coordinate only through the trial store, so one that dies loses nothing: the others
/// retry its trial once its heartbeat is stale.
/// </summary>
public static class LocalLauncher
{
    /// <summary>Runs one process per entry of <paramref name="workers"/> (its name and arguments); returns their exit codes in that order.</summary>
    public static IReadOnlyList<int> Run(ProgramCommand program, IReadOnlyList<(string Name, IReadOnlyList<string> Arguments)> workers, TextWriter output)
    {
        var gate = new Lock();
        void Relay(string name, string? line)
        {
            if (line is null) return;
            lock (gate) output.WriteLine($"[{name}] {line}");
        }
        var processes = new List<Process>();
        try
        {
            foreach (var (name, arguments) in workers)
            {
                var process = new Process { StartInfo = program.StartInfo(arguments) };
                process.OutputDataReceived += (_, e) => Relay(name, e.Data);
                process.ErrorDataReceived += (_, e) => Relay(name, e.Data);
                process.Start();
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                processes.Add(process);
            }
            foreach (var process in processes) process.WaitForExit(); // and for its output to drain
            return [.. processes.Select(p => p.ExitCode)];
        }
        finally
        {
            foreach (var process in processes)
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
                process.WaitForExit();
                process.Dispose();
            }
        }
    }
}
