using Research.Framework.Tracking;
using Xunit;

namespace Research.Framework.Tests.Tracking;

public sealed class TrackersTests : IDisposable
{
    readonly string run = Directory.CreateTempSubdirectory("trackers-").FullName;
    readonly FakeWandbServer server = new(WandbTestSupport.Key);
    readonly WandbTestSupport support = new();

    public void Dispose()
    {
        server.Dispose();
        Directory.Delete(run, recursive: true);
    }

    string[] Sinks(bool tensorBoard, params (string Name, string Value)[] variables)
    {
        var environment = variables.ToDictionary(v => v.Name, v => v.Value);
        environment["WANDB_BASE_URL"] = server.BaseUrl;
        using var tracker = Trackers.FromEnvironment(run, null, new TrackerOptions { TensorBoard = tensorBoard, Environment = name => environment.GetValueOrDefault(name), Wandb = support.Tracker });
        tracker.Finish(0);
        return [.. tracker.Sinks.Select(sink => sink.GetType().Name)];
    }

    [Fact]
    public void JsonlAlwaysTensorBoardWhenAskedWandbOnlyOnlineWithAKey()
    {
        Assert.Equal(["JsonlTracker"], Sinks(false));
        Assert.Equal(["JsonlTracker", "TensorBoardTracker"], Sinks(true));
        Assert.Equal(["JsonlTracker", "TensorBoardTracker"], Sinks(false, ("RESEARCH_TENSORBOARD", "1")));
        Assert.Equal(["JsonlTracker"], Sinks(false, ("WANDB_MODE", "online")));
        Assert.Equal(["JsonlTracker", "WandbTracker"], Sinks(false, ("WANDB_API_KEY", WandbTestSupport.Key)));
        Assert.Equal(["JsonlTracker"], Sinks(false, ("WANDB_API_KEY", WandbTestSupport.Key), ("WANDB_MODE", "offline")));
        Assert.Equal(["JsonlTracker"], Sinks(false, ("WANDB_API_KEY", WandbTestSupport.Key), ("WANDB_MODE", "disabled")));
        Assert.Empty(server.Violations);
    }
}
