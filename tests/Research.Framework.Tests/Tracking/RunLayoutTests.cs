using Research.Framework.Dashboard;
using Research.Framework.Tracking;
using Research.Framework.Tracking.RunIndex;
using Xunit;

namespace Research.Framework.Tests.Tracking;

/// <summary>The run-folder layout: the names README documents, and the writers and readers agreeing through it.</summary>
public sealed class RunLayoutTests : IDisposable
{
    readonly string runs = Directory.CreateTempSubdirectory("run-layout-").FullName;

    public void Dispose() => Directory.Delete(runs, recursive: true);

    [Fact]
    public void FilesLieWhereTheDocumentedLayoutSays()
    {
        var run = RunLayout.For(runs, "sit-moons", "20260101-000000-abcdef");
        var folder = Path.Combine(runs, "sit-moons", "20260101-000000-abcdef");
        Assert.Equal(folder, run.Directory);
        Assert.Equal(Path.Combine(folder, "config.json"), run.Config);
        Assert.Equal(Path.Combine(folder, "metrics.jsonl"), run.Metrics);
        Assert.Equal(Path.Combine(folder, "summary.json"), run.Summary);
        Assert.Equal(Path.Combine(folder, "media"), run.Media);
        Assert.Equal(Path.Combine(folder, "checkpoints"), run.Checkpoints);
        Assert.Equal(Path.Combine(runs, "runs.db"), RunLayout.IndexPath(runs));
        Assert.Equal("eval_loss_00000042.png", RunLayout.MediaFileName("eval/loss", 42));
    }

    [Fact]
    public void RunsUnderFindsOnlyFoldersWithAConfigTwoLevelsDownInOrdinalOrder()
    {
        foreach (var (experiment, id) in new[] { ("b", "2"), ("a", "9"), ("a", "10") })
        {
            Directory.CreateDirectory(Path.Combine(runs, experiment, id));
            File.WriteAllText(Path.Combine(runs, experiment, id, "config.json"), "{}");
        }
        Directory.CreateDirectory(Path.Combine(runs, "a", "no-config"));
        File.WriteAllText(Path.Combine(runs, "config.json"), "{}"); // the runs folder itself is no run
        var found = RunLayout.RunsUnder(runs).Select(run => Path.GetRelativePath(runs, run.Directory).Replace('\\', '/'));
        Assert.Equal(["a/10", "a/9", "b/2"], found);
        Assert.Empty(RunLayout.RunsUnder(Path.Combine(runs, "missing")));
    }

    [Fact]
    public void AnImageTheJsonlSinkWritesIsTheOneTheDashboardLists()
    {
        var run = RunLayout.For(runs, "toy", "r1");
        using (var sink = new JsonlTracker(run.Directory)) sink.LogImage("samples/grid", TestPng.Create(2, 2), 7);
        var media = RunFiles.Media(runs, "toy/r1");
        Assert.Equal([new MediaFile("samples_grid", 7, "media/samples_grid_00000007.png")], media);
        Assert.True(File.Exists(Path.Combine(run.Media, "samples_grid_00000007.png")));
        using var store = RunStore.Open(runs);
        Assert.True(File.Exists(RunLayout.IndexPath(runs)));
    }
}
