using System.Collections.Concurrent;
using System.Diagnostics;
using Research.Framework.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Parity;

/// <summary>
/// Golden files from independent PyTorch code: runs a fixture script of <c>Parity/python/</c> with Debian's
/// <c>python3-torch</c> (installed by .ci/run) once per test process and hands back the folder it wrote.
/// The scripts are written from the papers' and libraries' published definitions, never from our C#, so a parity
/// test compares two implementations. A machine without PyTorch fails the test with the packages to install:
/// a parity test that skips would pass without checking anything.
/// </summary>
public static class PythonReference
{
    /// <summary>The interpreter: Debian's, which has python3-torch, unless RESEARCH_TEST_PYTHON names another.</summary>
    public static string Interpreter => Environment.GetEnvironmentVariable("RESEARCH_TEST_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";

    static readonly ConcurrentDictionary<string, Lazy<string>> Outputs = new();
    static readonly string Root = Path.Combine(Path.GetTempPath(), $"research-parity-{Environment.ProcessId}");

    /// <summary>The folder that <paramref name="script"/> (a file name in Parity/python, e.g. "dit.py") wrote its goldens to.</summary>
    public static string Goldens(string script) => Outputs.GetOrAdd(script, s => new Lazy<string>(() => WriteGoldens(s))).Value;

    /// <summary>A float32 tensor from <c>NAME.npy</c> in the script's output.</summary>
    public static Tensor Load(string script, string name)
    {
        var (shape, values) = NpyFile.ReadFloat32(Path.Combine(Goldens(script), name + ".npy"));
        return tensor(values).reshape(shape);
    }

    /// <summary>
    /// Runs <paramref name="script"/> with <paramref name="arguments"/> (a fixture's second mode, e.g. checking a file the
    /// C# side wrote); a non-zero exit is an exception with the script's output.
    /// </summary>
    public static void Run(string script, params string[] arguments) => Execute(script, arguments);

    static string WriteGoldens(string script)
    {
        var output = Path.Combine(Root, Path.GetFileNameWithoutExtension(script));
        Directory.CreateDirectory(output);
        Execute(script, [output]);
        return output;
    }

    static void Execute(string script, IReadOnlyList<string> arguments)
    {
        var source = Path.Combine(AppContext.BaseDirectory, "Parity", "python", script);
        if (!File.Exists(source)) throw new FileNotFoundException($"No parity fixture {script} next to the tests (Parity/python/*.py are copied to the output).", source);

        var start = new ProcessStartInfo(Interpreter) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(source);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // One thread: the goldens must not depend on the machine's core count, and the suite runs beside other work.
        start.Environment["OMP_NUM_THREADS"] = "1";
        start.Environment["OPENBLAS_NUM_THREADS"] = "1";
        Process process;
        try { process = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"Cannot start {Interpreter} for the parity fixture {script}: {e.Message}. " +
                "Install Debian's python3-torch and libopenblas0-openmp (.ci/run does), or set RESEARCH_TEST_PYTHON.", e);
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"The parity fixture {script} ran over 5 minutes.");
            }
            if (process.ExitCode != 0)
            {
                var error = stderr.Result;
                var hint = error.Contains("No module named 'torch'", StringComparison.Ordinal)
                    ? $" {Interpreter} has no PyTorch: install Debian's python3-torch and libopenblas0-openmp (.ci/run does), or set RESEARCH_TEST_PYTHON."
                    : "";
                throw new InvalidOperationException($"The parity fixture {script} failed (exit {process.ExitCode}).{hint}\n{stdout.Result}\n{error}");
            }
        }
    }
}
