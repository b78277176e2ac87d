using Xunit;

namespace Research.Experiments.Tests.Commands;

/// <summary>
/// Issue 14, point 4: no unhandled exception reaches the user in any command. Every command that takes a folder is
/// given a file where the folder should be: each ends with one "error:" line and exit 1 or 2, never a stack trace.
/// </summary>
public sealed class FailingFolderTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("failing-folder-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData(2, "run sit-checkerboard --runs-dir {file} --Steps 2")]
    [InlineData(2, "resume {file}")]
    [InlineData(2, "resume {file}/sit-checkerboard/run")]
    [InlineData(2, "eval {file}")]
    [InlineData(2, "sync {file}")]
    [InlineData(2, "sweep sit-checkerboard --runs-dir {file} --trials 1 --Steps 2")]
    [InlineData(2, "sweep sit-checkerboard --runs-dir {file} --best")]
    [InlineData(2, "sweep sit-checkerboard --runs-dir {file} --repair")]
    [InlineData(2, "sweep sit-checkerboard --storage {file}/sweeps.db --trials 1 --Steps 2")]
    [InlineData(2, "sweep-worker sit-checkerboard --runs-dir {file} --trials 1 --Steps 2")]
    [InlineData(1, "dashboard --runs-dir {file} --port 0")]
    public void ACommandGivenAFileForItsFolderEndsWithOneErrorLine(int expected, string command)
    {
        var file = Path.Combine(folder, "a-file");
        File.WriteAllText(file, "");

        var (code, output, error) = ProgramTests.Run(command.Replace("{file}", file).Split(' '));

        Assert.True(code == expected, $"exit {code}: {error}\n{output}");
        Assert.StartsWith("error: ", error);
        Assert.Contains(file, error.Split('\n')[0]);
        Assert.DoesNotContain("   at ", error);   // no stack trace
        Assert.Equal("", File.ReadAllText(file));  // the file is untouched
    }
}
