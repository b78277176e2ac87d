using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Research.Experiments.Tests;

/// <summary>SIGTERM (what Slurm and Kubernetes send before a kill) stops a real run the way Ctrl-C does.</summary>
public sealed class StopSignalTests : IDisposable
{
    readonly string runs = Directory.CreateTempSubdirectory("runs-term-").FullName;

    public void Dispose() => Directory.Delete(runs, recursive: true);

    [Fact]
    public void SigtermStopsARunAfterACheckpointWithEveryMetricFlushed()
    {
        var program = Path.Combine(AppContext.BaseDirectory, "Research.Experiments.dll");
        var start = new ProcessStartInfo(Environment.ProcessPath!, [program, "run", "sit-checkerboard", "--runs-dir", runs, "--Steps", "1000000",
            "--LogEvery", "5", "--PreviewEvery", "0", "--Evaluate.Every", "0", "--Network.Hidden", "16", "--Network.Depth", "1", "--BatchSize", "32"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.Environment["OMP_NUM_THREADS"] = "1";
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => { lock (output) output.AppendLine(line.Data); };
        process.ErrorDataReceived += (_, line) => { lock (output) output.AppendLine(line.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        string Output() { lock (output) return output.ToString(); }
        try
        {
            // Wait until training has logged (the run folder and its history exist), then ask it to stop.
            Assert.True(WaitForHistory(process), $"the run did not start logging:\n{Output()}");
            using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString()]) { UseShellExecute = false })!)
                kill.WaitForExit();
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), $"the run did not stop within 3 minutes of SIGTERM:\n{Output()}");
            process.WaitForExit();   // the redirected output is complete
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }

        Assert.True(process.ExitCode == 130, $"exit {process.ExitCode}\n{Output()}");
        Assert.Contains("SIGTERM: stopping after the next checkpoint", Output());
        var run = Directory.GetDirectories(Path.Combine(runs, "sit-checkerboard")).Single();
        var checkpoint = Assert.Single(Directory.GetFiles(Path.Combine(run, "checkpoints"), "*.ckpt"));
        long checkpointStep = long.Parse(Path.GetFileNameWithoutExtension(checkpoint)["step-".Length..]);
        // Every line of the history is whole JSON, and the last logged step is not after the checkpoint.
        var steps = File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("_step").GetInt64()).ToList();
        Assert.NotEmpty(steps);
        Assert.True(steps.Max() <= checkpointStep, $"logged step {steps.Max()} after the checkpoint at {checkpointStep}");
        Assert.True(File.Exists(Path.Combine(run, "summary.json")));
    }

    bool WaitForHistory(Process process)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        var folder = Path.Combine(runs, "sit-checkerboard");
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            var history = Directory.Exists(folder) ? Directory.GetFiles(folder, "metrics.jsonl", SearchOption.AllDirectories).FirstOrDefault() : null;
            if (history is not null && new FileInfo(history).Length > 0) return true;
            Thread.Sleep(200);
        }
        return false;
    }
}
