using Xunit;

namespace Research.Experiments.Tests;

/// <summary>scd-checkerboard from the command line: a teacher run folder in, a distilled run out; a bad teacher fails before any step.</summary>
public sealed class DistillationProgramTests : IDisposable
{
    readonly string runs = Directory.CreateTempSubdirectory("runs-").FullName;

    public void Dispose() => Directory.Delete(runs, recursive: true);

    static readonly string[] Tiny = ["--Steps", "20", "--LogEvery", "10", "--PreviewEvery=10", "--Evaluate.Every", "10", "--Evaluate.Samples", "64",
        "--SampleCount", "256", "--Network.Hidden", "32", "--Network.Depth", "1"];

    string Train(string experiment, params string[] extra)
    {
        var (code, output, error) = ProgramTests.Run(["run", experiment, "--runs-dir", runs, .. Tiny, .. extra]);
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        return Directory.GetDirectories(Path.Combine(runs, experiment)).Single();
    }

    [Fact]
    public void ScdDistilsATrainedEdmRun()
    {
        var teacher = Train("edm-checkerboard", "--Sampler.Steps", "4");
        var student = Train("scd-checkerboard", "--Interface.TeacherRun", teacher, "--Sampler.Steps", "2");
        Assert.True(File.Exists(Path.Combine(student, "samples.npy")));
        Assert.Contains("\"final/swd\"", File.ReadAllText(Path.Combine(student, "summary.json")));
        Assert.Contains($"\"Interface.TeacherRun\": \"{teacher}\"", File.ReadAllText(Path.Combine(student, "config.json")));
    }

    /// <summary>
    /// Without --Interface.TeacherRun, scd-checkerboard trains its TeacherExperiment (edm-checkerboard, with the shared
    /// settings given) into the same runs folder first; a second run reuses that finished teacher instead of training another.
    /// </summary>
    [Fact]
    public void WithoutATeacherRunTheTeacherIsTrainedFirstThenReused()
    {
        var (code, output, error) = ProgramTests.Run(["run", "scd-checkerboard", "--runs-dir", runs, .. Tiny, "--Sampler.Steps", "1"]);
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Contains("training edm-checkerboard first", output);
        var teacher = Directory.GetDirectories(Path.Combine(runs, "edm-checkerboard")).Single();
        Assert.Contains("\"Steps\": \"20\"", File.ReadAllText(Path.Combine(teacher, "config.json")));
        var student = Directory.GetDirectories(Path.Combine(runs, "scd-checkerboard")).Single();
        Assert.Contains($"\"Interface.TeacherRun\": \"{teacher}\"", File.ReadAllText(Path.Combine(student, "config.json")));

        (code, output, error) = ProgramTests.Run(["run", "scd-checkerboard", "--runs-dir", runs, .. Tiny, "--Sampler.Steps", "1"]);
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Contains($"reusing the finished edm-checkerboard run {teacher}", output);
        Assert.Single(Directory.GetDirectories(Path.Combine(runs, "edm-checkerboard")));
    }

    [Fact]
    public void AMissingOrUnusableTeacherIsAUsageErrorBeforeAnyStep()
    {
        var (code, output, error) = ProgramTests.Run(["run", "scd-checkerboard", "--runs-dir", runs, .. Tiny, "--Interface.TeacherExperiment="]);
        Assert.Equal(2, code);
        Assert.Contains("--Interface.TeacherRun", error);
        Assert.DoesNotContain("step 10", output);

        var missing = Path.Combine(runs, "edm-checkerboard", "no-such-run");
        (code, output, error) = ProgramTests.Run(["run", "scd-checkerboard", "--runs-dir", runs, "--Interface.TeacherRun", missing, .. Tiny]);
        Assert.Equal(2, code);
        Assert.Contains($"'{missing}' is not a run folder", error);
        Assert.DoesNotContain("step 10", output);
        Assert.False(Directory.Exists(Path.Combine(runs, "scd-checkerboard")), "no student run folder for a missing teacher");

        var consistency = Train("sct-checkerboard", "--Sampler.Steps", "1");
        (code, output, error) = ProgramTests.Run(["run", "scd-checkerboard", "--runs-dir", runs, "--Interface.TeacherRun", consistency, .. Tiny]);
        Assert.Equal(2, code);
        Assert.Contains("trained a SctInterface", error);
        Assert.DoesNotContain("step 10", output);
    }
}
