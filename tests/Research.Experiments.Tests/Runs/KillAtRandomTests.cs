using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Research.Experiments.Tests.Runs;

/// <summary>
/// Issue 14, point 3, as a machine would do it: the real program (a child process) is killed with SIGKILL at seeded
/// random points (mid-step, mid-write, between checkpoints), resumed each time, and finished; every logged step then
/// appears exactly once in metrics.jsonl, <c>_step</c> strictly increases, each step's loss is the uninterrupted
/// run's, and the final summary exists.
/// </summary>
public sealed class KillAtRandomTests : IDisposable
{
    const int Steps = 200;   // long enough that no kill target (below the second checkpoint) is outrun by a fast toy run
    const int CheckpointEvery = Steps / 4;   // the convention: a checkpoint every quarter of the run

    static readonly string[] Settings = ["--Steps", $"{Steps}", "--LogEvery", "1", "--Threads", "1", "--BatchSize", "32",
        "--PreviewEvery", "0", "--Evaluate.Every", "0", "--SampleCount", "64", "--Network.Hidden", "16", "--Network.Depth", "1", "--Sampler.Steps", "2"];

    readonly string runs = Directory.CreateTempSubdirectory("runs-kill-").FullName;

    public void Dispose() => Directory.Delete(runs, recursive: true);

    [Fact]
    public void EveryLoggedStepAppearsExactlyOnceAfterKillsAtRandomPointsAndResumes()
    {
        var random = new Random(14);
        var experiment = Path.Combine(runs, "killed", "sit-checkerboard");
        string? run = null;
        var (kills, finished) = (0, false);
        for (int attempt = 0; attempt < 3 && !finished; attempt++)
        {
            // Kill once the history has a random number of rows more than it had (at least one checkpoint's worth, so a
            // checkpoint exists), plus a random few milliseconds, so the kill lands anywhere in a step, a write or a checkpoint.
            var target = Math.Max(run is null ? 0 : Rows(run).Length, CheckpointEvery) + random.Next(1, CheckpointEvery / 2);   // three kills end below step 125
            string[] arguments = run is null ? ["run", "sit-checkerboard", "--runs-dir", Path.Combine(runs, "killed"), .. Settings] : ["resume", run];
            using var process = Start(arguments, out var output);
            try
            {
                while (!process.HasExited && (run is null || Rows(run).Length < target))
                {
                    Thread.Sleep(10);
                    run ??= Directory.Exists(experiment) ? Directory.GetDirectories(experiment).SingleOrDefault() : null;
                }
                Thread.Sleep(random.Next(0, 30));
                if (!process.HasExited)
                {
                    process.Kill();
                    kills++;
                }
                process.WaitForExit();
            }
            finally
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
            }
            Assert.True(run is not null, $"the run never made its folder:\n{output()}");
            finished = process.ExitCode == 0;   // it finished before the kill
        }
        Assert.True(kills == 3, $"{kills} kill(s) landed: the run finished first");   // the targets stay below Steps
        if (!finished)
        {
            var (code, text, error) = ProgramTests.Run("resume", run!);
            Assert.True(code == 0, $"exit {code}: {error}\n{text}");
        }

        var rows = Rows(run!);
        var steps = rows.Select(row => row.GetProperty("_step").GetInt64()).ToArray();
        Assert.Equal(Enumerable.Range(1, Steps).Select(s => (long)s), steps);   // every step once, strictly increasing
        Assert.True(File.Exists(Path.Combine(run!, "summary.json")));
        Assert.True(JsonDocument.Parse(File.ReadAllText(Path.Combine(run!, "summary.json"))).RootElement.TryGetProperty("final/swd", out _));

        // The same run without kills (in this process) logs the same loss at every step: nothing was lost or changed.
        var (wholeCode, wholeOutput, wholeError) = ProgramTests.Run(["run", "sit-checkerboard", "--runs-dir", Path.Combine(runs, "whole"), .. Settings]);
        Assert.True(wholeCode == 0, $"exit {wholeCode}: {wholeError}\n{wholeOutput}");
        var whole = Rows(Directory.GetDirectories(Path.Combine(runs, "whole", "sit-checkerboard")).Single());
        Assert.Equal(whole.Select(Loss), rows.Select(Loss));
    }

    static double Loss(JsonElement row) => row.GetProperty("train/loss").GetDouble();

    /// <summary>The complete rows of a run's history (a torn last line is not one).</summary>
    static JsonElement[] Rows(string run)
    {
        var path = Path.Combine(run, "metrics.jsonl");
        if (!File.Exists(path)) return [];
        string text;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            text = new StreamReader(stream).ReadToEnd();
        return [.. text[..(text.LastIndexOf('\n') + 1)].Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement)];
    }

    static Process Start(string[] arguments, out Func<string> output)
    {
        var program = Path.Combine(AppContext.BaseDirectory, "Research.Experiments.dll");
        var start = new ProcessStartInfo(Environment.ProcessPath!, [program, .. arguments])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.Environment["OMP_NUM_THREADS"] = "1";
        var lines = new StringBuilder();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => { lock (lines) lines.AppendLine(line.Data); };
        process.ErrorDataReceived += (_, line) => { lock (lines) lines.AppendLine(line.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = () => { lock (lines) return lines.ToString(); };
        return process;
    }
}
