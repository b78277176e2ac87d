using Xunit;

namespace Research.Experiments.Tests.Runs;

/// <summary>
/// Issue 14, point 4: a bad size or rate is refused before anything is written, with one line naming the setting,
/// exit code 2 (on main these crashed with exit 134 after creating the run folder, or after all the training).
/// </summary>
public sealed class BadValueTests : IDisposable
{
    readonly string runs = Directory.CreateTempSubdirectory("runs-").FullName;

    public void Dispose() => Directory.Delete(runs, recursive: true);

    [Theory]
    [InlineData("--BatchSize", "0", "BatchSize must be ≥ 1")]
    [InlineData("--EmaDecay", "2", "EmaDecay must be in (0, 1)")]
    [InlineData("--EmaDecay", "0", "EmaDecay must be in (0, 1)")]
    [InlineData("--LogEvery", "0", "LogEvery must be > 0")]
    [InlineData("--SampleCount", "0", "SampleCount must be ≥ 1")]
    public void ABadValueIsOneLineExitTwoAndWritesNothing(string key, string value, string message)
    {
        var (code, output, error) = ProgramTests.Run("run", "sit-checkerboard", "--runs-dir", runs, "--Steps", "2", key, value);

        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        var first = error.Split('\n')[0];
        Assert.Contains(message, first);
        Assert.DoesNotContain("Parameter '", error);
        Assert.DoesNotContain(" at ", error);   // no stack trace
        Assert.Empty(Directory.EnumerateFileSystemEntries(runs));
    }

    /// <summary>
    /// The probe "--BatchSize 100000000 dies in the allocator": the step's memory, measured on the untrained network,
    /// is compared with the memory available before anything is written; the line names BatchSize, the estimate, the
    /// limit and --MicroBatch.
    /// </summary>
    [Fact]
    public void ABatchThatCannotFitTheMemoryIsRefusedBeforeAnythingIsWritten()
    {
        var (code, output, error) = ProgramTests.Run("run", "sit-checkerboard", "--runs-dir", runs, "--Steps", "2", "--BatchSize", "100000000");

        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        var first = error.Split('\n')[0];
        Assert.Contains("BatchSize 100000000 cannot fit: a training step needs about ", first);
        Assert.Matches(@"needs about [\d.]+ TiB .* but [\d.]+ [KMG]iB is available \((MemAvailable|the cgroup)", first);
        Assert.Contains("--MicroBatch N", first);
        Assert.DoesNotContain(" at ", error);
        Assert.Empty(Directory.EnumerateFileSystemEntries(runs));
    }
}
