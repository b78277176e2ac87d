using Xunit;

namespace Research.Experiments.Tests.Commands;

/// <summary>`resume RUN-DIR`: the run's recorded experiment and overrides, then the new ones, from its newest checkpoint.</summary>
public sealed class ResumeCommandTests : IDisposable
{
    readonly string runs = Directory.CreateTempSubdirectory("runs-resume-").FullName;

    public void Dispose() => Directory.Delete(runs, recursive: true);

    [Fact]
    public void AResumeReappliesTheRecordedOverridesAndTheNewOnesWin()
    {
        var (code, _, error) = ProgramTests.Run("run", "sit-checkerboard", "--runs-dir", runs, "--Steps", "10", "--SampleCount", "64", "--Network.Hidden", "16", "--Network.Depth", "1", "--Sampler.Steps", "2");
        Assert.True(code == 0, error);
        var run = Directory.GetDirectories(Path.Combine(runs, "sit-checkerboard")).Single();

        // Only the new length is given: a 16-wide, 1-deep network must come from config.json to read the checkpoint.
        var (again, output, error2) = ProgramTests.Run("resume", run, "--allow-change", "Steps", "--Steps", "20");   // a longer run is a deliberate change (#14.1)

        Assert.True(again == 0, error2);
        Assert.Contains($"resume sit-checkerboard → {run}", output);
        Assert.Single(Directory.GetDirectories(Path.Combine(runs, "sit-checkerboard")));
        Assert.True(File.Exists(Path.Combine(run, "checkpoints", "step-00000020.ckpt")));
        var steps = File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("_step").GetDouble()).ToArray();
        Assert.Equal(20, steps[^1]);
    }

    [Theory]
    [InlineData("resume: give a run folder")]
    [InlineData("is not a run folder (it has no config.json)", "nowhere")]
    [InlineData("resume: one run folder only", "a", "b")]
    public void MistakesAreUsageErrors(string message, params string[] arguments)
    {
        var (code, _, error) = ProgramTests.Run(["resume", .. arguments.Select(a => a == "nowhere" ? Path.Combine(runs, a) : a)]);
        Assert.Equal(2, code);
        Assert.Contains(message, error);
    }
}
