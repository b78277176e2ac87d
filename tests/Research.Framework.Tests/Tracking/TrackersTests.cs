using Research.Framework.Tests.Tracking.Wandb;
using Research.Framework.Tracking;
using Research.Framework.Tracking.RunIndex;
using Research.Framework.Tracking.TensorBoard;
using Research.Framework.Tracking.Wandb;
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
        using var tracker = Trackers.FromEnvironment(run, null, new TrackerOptions { Filing = new TrackingSettings { TensorBoard = tensorBoard }, Environment = name => environment.GetValueOrDefault(name), Wandb = support.Tracker });
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

    [Fact]
    public void RunStoreIndexWhenTheRunsFolderIsKnownAndAFailingStoreCostsNothingElse()
    {
        var folder = Path.Combine(run, "runs", "exp", "run-1");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), """{"experiment":"exp","run_id":"run-1"}""");
        var warnings = new List<string>();
        using (var tracker = Trackers.FromEnvironment(folder, null, new TrackerOptions { Environment = _ => null, Warn = warnings.Add }))
        {
            Assert.Equal(["JsonlTracker", "RunStoreTracker"], tracker.Sinks.Select(sink => sink.GetType().Name));
            tracker.Log(new Dictionary<string, double> { ["loss"] = 0.5 }, 0);
            tracker.Finish(0);
        }
        Assert.Empty(warnings);
        using (var store = RunStore.Open(Path.Combine(run, "runs")))
        {
            var stored = store.GetRun("run-1")!;
            Assert.Equal(("exp", "exp/run-1", RunStatus.Finished), (stored.Experiment, stored.RunDirectory, stored.Status));
            Assert.Equal([new MetricPoint(0, 0.5)], store.MetricSeries("run-1", "loss"));
        }

        // A folder whose config.json does not name it (not <runs>/<experiment>/<run-id>) gets no index next to it.
        File.WriteAllText(Path.Combine(folder, "config.json"), """{"experiment":"other","run_id":"run-1"}""");
        using (var loose = Trackers.FromEnvironment(folder, null, new TrackerOptions { Environment = _ => null, Warn = warnings.Add }))
            Assert.Equal(["JsonlTracker"], loose.Sinks.Select(sink => sink.GetType().Name));

        var blocked = Path.Combine(run, "a-file");
        File.WriteAllText(blocked, "");
        using var fallback = Trackers.FromEnvironment(folder, null, new TrackerOptions { Environment = _ => null, Warn = warnings.Add, RunsFolder = blocked });
        Assert.Equal(["JsonlTracker"], fallback.Sinks.Select(sink => sink.GetType().Name));
        Assert.Contains("run store", Assert.Single(warnings));
    }

    [Fact]
    public void InitFilesTheRunAsWandbInitWouldAndItsArgumentsWinOverTheVariables()
    {
        var environment = new Dictionary<string, string>
        {
            ["WANDB_API_KEY"] = WandbTestSupport.Key, ["WANDB_BASE_URL"] = server.BaseUrl, ["WANDB_PROJECT"] = "from-env", ["WANDB_RUN_GROUP"] = "env-group",
        };
        using (var tracker = Trackers.Init(run, project: "flows", name: "lr-3e-4", jobType: "train", tags: ["sit", "toy"],
                   config: new Dictionary<string, object?> { ["lr"] = 3e-4 },
                   options: new TrackerOptions { Environment = name => environment.GetValueOrDefault(name), Wandb = support.Tracker }))
        {
            tracker.Log(new Dictionary<string, double> { ["loss"] = 1.5 }, 0);
            tracker.Finish(0);
        }
        var upsert = server.Upserts[0];
        Assert.Equal(("flows", "lr-3e-4", "env-group", "train"),
            ((string?)upsert["project"], (string?)upsert["displayName"], (string?)upsert["groupName"], (string?)upsert["jobType"]));
        Assert.Equal(["sit", "toy"], upsert["tags"]!.AsArray().Select(t => (string)t!));
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse("""{"lr": {"value": 0.0003, "desc": null}}"""),
            System.Text.Json.Nodes.JsonNode.Parse(upsert["config"]!.GetValue<string>())));
        Assert.True(server.Complete);
        Assert.Empty(server.Violations);
    }
}
