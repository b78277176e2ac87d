using System.Text;
using System.Text.Json.Nodes;
using Research.Framework.Tracking;
using Research.Framework.Tracking.Wandb;
using Xunit;

namespace Research.Framework.Tests.Tracking.Wandb;

public sealed class WandbSyncTests : IDisposable
{
    readonly string run = Directory.CreateTempSubdirectory("wandb-sync-").FullName;
    readonly WandbTestSupport support = new();

    public void Dispose() => Directory.Delete(run, recursive: true);

    [Fact]
    public async Task AnUnreachableServerLeavesACompleteLocalRunThatSyncReplaysOnce()
    {
        File.WriteAllText(Path.Combine(run, "config.json"), """{"lr": 0.01}""");
        var environment = new Dictionary<string, string>
        {
            ["WANDB_API_KEY"] = WandbTestSupport.Key, ["WANDB_BASE_URL"] = WandbTestSupport.ClosedPortUrl(), ["WANDB_PROJECT"] = "proj", ["WANDB_RUN_ID"] = "offline1",
        };
        var options = new TrackerOptions
        {
            Environment = name => environment.GetValueOrDefault(name),
            Warn = support.Warnings.Enqueue,
            Wandb = support.Tracker with { Client = support.Client with { GraphQl = WandbRetryPolicy.GraphQl with { MaxRetries = 2 } } },
        };
        var png = TestPng.Create(3, 3);
        using (var tracker = Trackers.FromEnvironment(run, File.ReadAllText(Path.Combine(run, "config.json")), options))
        {
            for (var step = 0; step < 10; step++) tracker.Log(new Dictionary<string, double> { ["loss"] = 10 - step }, step);
            tracker.LogImage("final_samples", png, 10);
            tracker.SetSummary("eval/swd", 0.5);
            tracker.Finish(0);
            var wandb = Assert.IsType<WandbTracker>(tracker.Sinks[^1]);
            Assert.IsType<WandbException>(wandb.Failure); // connection refused, retries exhausted
        }
        var local = File.ReadAllLines(Path.Combine(run, "metrics.jsonl"));
        Assert.Equal(10, local.Length);
        Assert.Contains(support.Warnings, w => w.Contains("continues locally", StringComparison.Ordinal));

        using var server = new FakeWandbServer(WandbTestSupport.Key);
        var sync = new WandbSync(WandbTestSupport.Settings(server.BaseUrl), support.Client);
        var first = await sync.SyncAsync(run);

        Assert.Equal(new WandbSyncResult("run12345", 10, 1, true, true), first);
        Assert.Empty(server.Violations);
        Assert.Equal(local, server.History.Values); // byte for byte what the live client would have streamed
        Assert.Equal(png, server.Uploads["media/final_samples_00000010.png"]);
        Assert.Equal(["media/final_samples_00000010.png"], server.Announced);
        var summary = JsonNode.Parse(server.Summary!)!.AsObject();
        Assert.Equal(0.5, summary["eval/swd"]!.GetValue<double>());
        Assert.False(summary.ContainsKey("_exit_code"));
        Assert.Equal((true, 0), (server.Complete, server.ExitCode));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"lr": {"value": 0.01, "desc": null}}"""), JsonNode.Parse(server.Upserts[0]["config"]!.GetValue<string>())));

        var requests = server.Requests.Count;
        var second = await sync.SyncAsync(run);
        Assert.True(second.NothingNew);
        Assert.Equal(requests, server.Requests.Count); // not a single request

        using (var resumed = new JsonlTracker(run))
        {
            resumed.Log(new Dictionary<string, double> { ["loss"] = 0.5 }, 10);
            resumed.Log(new Dictionary<string, double> { ["loss"] = 0.25 }, 11);
            resumed.Finish(0);
        }
        var third = await sync.SyncAsync(run);
        Assert.Equal(new WandbSyncResult("run12345", 2, 0, false, false), third); // summary.json unchanged, already complete
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)i), server.History.Keys);
        Assert.Equal(File.ReadAllLines(Path.Combine(run, "metrics.jsonl")), server.History.Values);

        var key = Encoding.UTF8.GetBytes(WandbTestSupport.Key);
        Assert.All(Directory.GetFiles(run, "*", SearchOption.AllDirectories), file => Assert.Equal(-1, File.ReadAllBytes(file).AsSpan().IndexOf(key)));
        Assert.All(support.Warnings, w => Assert.DoesNotContain(WandbTestSupport.Key, w));
    }

    [Fact]
    public async Task ATornLastLineIsNotSent()
    {
        File.WriteAllText(Path.Combine(run, "metrics.jsonl"), "{\"loss\":1,\"_step\":0}\n{\"loss\":2,\"_st");
        using var server = new FakeWandbServer(WandbTestSupport.Key);
        var result = await new WandbSync(WandbTestSupport.Settings(server.BaseUrl), support.Client).SyncAsync(run);

        Assert.Equal(1, result.HistoryLines);
        Assert.Equal(["{\"loss\":1,\"_step\":0}"], server.History.Values);
        Assert.False(server.Complete); // no summary.json exit code: the run may still be going
    }
}
