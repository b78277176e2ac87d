using Research.Framework.Dashboard;
using Xunit;

namespace Research.Framework.Tests.Dashboard;

public sealed class RunFilesTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("runfiles-").FullName;
    readonly string runs;

    public RunFilesTests()
    {
        runs = Path.Combine(root, "runs");
        Directory.CreateDirectory(Path.Combine(runs, "exp", "run-a", "media"));
        Directory.CreateDirectory(Path.Combine(runs, "exp", "run-b", "media"));
        File.WriteAllBytes(Path.Combine(runs, "exp", "run-a", "media", "samples_00000010.png"), [1]);
        File.WriteAllBytes(Path.Combine(runs, "exp", "run-a", "media", "eval_samples_00000200.png"), [2]);
        File.WriteAllBytes(Path.Combine(runs, "exp", "run-a", "media", "samples_00000002.png"), [3]);
        File.WriteAllText(Path.Combine(runs, "exp", "run-a", "media", "notes.txt"), "not an image");
        File.WriteAllText(Path.Combine(runs, "exp", "run-a", "config.json"), "{}");
        File.WriteAllBytes(Path.Combine(runs, "exp", "run-b", "media", "samples_00000010.png"), [4]);
        File.WriteAllBytes(Path.Combine(root, "secret.png"), [5]);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void ResolvesAnImageInsideTheRunFolder()
    {
        Assert.Equal(Path.Combine(runs, "exp", "run-a", "media", "samples_00000010.png"), RunFiles.Resolve(runs, "exp/run-a", "media/samples_00000010.png"));
        Assert.Equal("image/png", RunFiles.ContentType("x/y.PNG"));
    }

    [Theory]
    [InlineData("exp/run-a", "../run-b/media/samples_00000010.png")] // another run's file
    [InlineData("exp/run-a", "media/../../run-b/media/samples_00000010.png")]
    [InlineData("exp/run-a", "..\\run-b\\media\\samples_00000010.png")]
    [InlineData("exp/run-a", "../../../secret.png")] // out of the runs folder
    [InlineData("exp/run-a", "/etc/passwd")] // absolute
    [InlineData("exp/run-a", "media//samples_00000010.png")]
    [InlineData("exp/run-a", "./media/samples_00000010.png")]
    [InlineData("exp/run-a", "config.json")] // not an image
    [InlineData("exp/run-a", "media/notes.txt")]
    [InlineData("exp/run-a", "media/missing_00000001.png")]
    [InlineData("../..", "secret.png")] // a run folder outside the runs folder
    [InlineData("..", "secret.png")]
    [InlineData("", "")]
    public void RefusesPathsThatLeaveTheRunFolderOrAreNotImages(string runDirectory, string path)
    {
        Assert.Null(RunFiles.Resolve(runs, runDirectory, path));
    }

    [Fact]
    public void RefusesAnAbsoluteRunFolder()
    {
        Assert.Null(RunFiles.Resolve(runs, Path.Combine(runs, "exp", "run-a"), "media/samples_00000010.png"));
    }

    [Fact]
    public void RefusesSymbolicLinksToFilesAndFoldersOutsideTheRun()
    {
        var run = Path.Combine(runs, "exp", "run-a");
        File.CreateSymbolicLink(Path.Combine(run, "media", "linked_00000001.png"), Path.Combine(root, "secret.png"));
        Directory.CreateSymbolicLink(Path.Combine(run, "elsewhere"), root);

        Assert.Null(RunFiles.Resolve(runs, "exp/run-a", "media/linked_00000001.png"));
        Assert.Null(RunFiles.Resolve(runs, "exp/run-a", "elsewhere/secret.png"));
        Assert.True(File.Exists(Path.Combine(run, "elsewhere", "secret.png"))); // the link works: only the check refuses it
    }

    /// <summary>
    /// Issue 14's probe: a hard link planted in a run folder is the file outside it under a second name, which no path
    /// check sees; it is refused by its link count, a file with one name next to it is still served, and so is the
    /// run's error text only while it has one name.
    /// </summary>
    [Fact]
    public void RefusesAHardLinkPlantedInTheRunFolder()
    {
        var run = Path.Combine(runs, "exp", "run-a");
        Assert.Equal(0, Link(Path.Combine(root, "secret.png"), Path.Combine(run, "media", "planted_00000001.png")));
        Assert.Equal(0, Link(Path.Combine(root, "secret.png"), Path.Combine(run, "error.txt")));
        Assert.Equal([5], File.ReadAllBytes(Path.Combine(run, "media", "planted_00000001.png"))); // the link works: only the check refuses it

        Assert.Null(RunFiles.Resolve(runs, "exp/run-a", "media/planted_00000001.png"));
        Assert.Null(RunFiles.ReadTail(runs, "exp/run-a", "error.txt", 100));
        Assert.Equal(Path.Combine(run, "media", "samples_00000010.png"), RunFiles.Resolve(runs, "exp/run-a", "media/samples_00000010.png"));

        File.Delete(Path.Combine(root, "secret.png"));   // the other names gone, the file has one name again: it is the run's own
        File.Delete(Path.Combine(run, "error.txt"));
        Assert.NotNull(RunFiles.Resolve(runs, "exp/run-a", "media/planted_00000001.png"));
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "link", SetLastError = true)]
    static extern int Link(string existing, string created);

    [Fact]
    public void ListsTheLoggedImagesByKeyThenStep()
    {
        var media = RunFiles.Media(runs, "exp/run-a");

        Assert.Equal([("eval_samples", 200L, "media/eval_samples_00000200.png"), ("samples", 2L, "media/samples_00000002.png"), ("samples", 10L, "media/samples_00000010.png")],
            media.Select(file => (file.Key, file.Step, file.Path)));
        Assert.Empty(RunFiles.Media(runs, "exp/no-such-run"));
        Assert.Empty(RunFiles.Media(runs, "../.."));
    }
}
