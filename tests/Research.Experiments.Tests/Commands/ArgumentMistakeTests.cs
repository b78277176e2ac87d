using Xunit;

namespace Research.Experiments.Tests.Commands;

/// <summary>Issue 14, point 7: command-line mistakes that main accepted silently or found too late.</summary>
public sealed class ArgumentMistakeTests : IDisposable
{
    readonly string runs = Directory.CreateTempSubdirectory("runs-args-").FullName;

    public void Dispose() => Directory.Delete(runs, recursive: true);

    [Fact]
    public void AnOptionIsNotTakenAsTheValueOfTheOneBefore()
    {
        var (code, _, error) = ProgramTests.Run("run", "sit-checkerboard", "--runs-dir", runs, "--Tracker.Name", "--Steps", "2");
        Assert.Equal(2, code);
        Assert.Contains("--Tracker.Name needs a value (got the option --Steps)", error);
        Assert.Empty(Directory.EnumerateFileSystemEntries(runs));
    }

    [Theory]
    [InlineData("--Steps", "--steps")]
    [InlineData("--Steps", "--Steps")]
    public void ASettingGivenTwiceIsRefused(string first, string second)
    {
        var (code, _, error) = ProgramTests.Run("run", "sit-checkerboard", "--runs-dir", runs, first, "10", second, "20");
        Assert.Equal(2, code);
        Assert.Contains($"{second} is given twice ({first} and {second})", error);
        Assert.Empty(Directory.EnumerateFileSystemEntries(runs));
    }

    [Theory]
    [InlineData("--trials", "abc")]
    [InlineData("--trials", "0")]
    [InlineData("--max-retries", "-1")]
    public void ABadSweepNumberIsRefusedBeforeAnyStoreIsCreated(string option, string value)
    {
        var (code, _, error) = ProgramTests.Run("sweep", "sit-checkerboard", "--runs-dir", runs, option, value);
        Assert.Equal(2, code);
        Assert.Contains($"{option} takes a whole number", error);
        Assert.Empty(Directory.EnumerateFileSystemEntries(runs));   // no sweeps.db, no runs.db
    }
}
