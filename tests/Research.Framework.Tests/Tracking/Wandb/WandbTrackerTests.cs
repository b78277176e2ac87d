using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Research.Framework.Tracking;
using Research.Framework.Tracking.Wandb;
using Xunit;

namespace Research.Framework.Tests.Tracking.Wandb;

public sealed class WandbTrackerTests : IDisposable
{
    readonly FakeWandbServer server = new(WandbTestSupport.Key);
    readonly WandbTestSupport support = new();
    readonly string folder = Directory.CreateTempSubdirectory("wandb-").FullName;

    public void Dispose()
    {
        server.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    WandbTracker Start(WandbTrackerOptions? options = null, string key = WandbTestSupport.Key) =>
        new(WandbTestSupport.Settings(server.BaseUrl, key), """{"lr": 0.001, "model": {"depth": 2}}""", options ?? support.Tracker);

    static Dictionary<string, double> Loss(double loss) => new() { ["loss"] = loss };

    [Fact]
    public void StreamsARunWithTheWandbProtocol()
    {
        var png = TestPng.Create(6, 4);
        var checkpoint = Path.Combine(folder, "last.ckpt");
        File.WriteAllBytes(checkpoint, [1, 2, 3, 4, 5]);
        using (var tracker = Start())
        {
            tracker.Log(Loss(1.0), 0);
            tracker.Log(new Dictionary<string, double> { ["loss"] = 0.5, ["lr"] = 0.1 }, 1);
            tracker.LogImage("samples", png, 1);
            tracker.SetSummary("eval/swd", 0.25);
            tracker.SaveFile("checkpoints/last.ckpt", checkpoint);
            tracker.Finish(0);
            Assert.Null(tracker.Failure);
        }

        Assert.Empty(server.Violations);
        Assert.Empty(support.Warnings);
        var auth = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("api:" + WandbTestSupport.Key));
        Assert.All(server.Requests.Where(r => r.Route != "upload"), r => Assert.Equal(auth, r.Authorization));
        Assert.Equal(["Viewer", "UpsertBucket"], server.Requests.Take(2).Select(r => r.Route));

        var upsert = Assert.Single(server.Upserts);
        Assert.Equal(("run12345", "proj", "fake-entity", "sweep-1", "train", "toy run"),
            (upsert["name"]!.GetValue<string>(), upsert["project"]!.GetValue<string>(), upsert["entity"]!.GetValue<string>(),
             upsert["groupName"]!.GetValue<string>(), upsert["jobType"]!.GetValue<string>(), upsert["displayName"]!.GetValue<string>()));
        Assert.Equal(["toy", "cpu"], upsert["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"lr": {"value": 0.001, "desc": null}, "model": {"value": {"depth": 2}, "desc": null}}"""),
            JsonNode.Parse(upsert["config"]!.GetValue<string>())));

        var rows = server.HistoryRows();
        Assert.Equal(3, rows.Count);
        Assert.Equal((1.0, 0L), (rows[0]["loss"]!.GetValue<double>(), rows[0]["_step"]!.GetValue<long>()));
        Assert.Equal((0.5, 0.1, 1L), (rows[1]["loss"]!.GetValue<double>(), rows[1]["lr"]!.GetValue<double>(), rows[1]["_step"]!.GetValue<long>()));
        Assert.All(rows, row => Assert.True(row.ContainsKey("_runtime") && row.ContainsKey("_timestamp")));
        var hash = Convert.ToHexStringLower(SHA256.HashData(png));
        var imagePath = $"media/images/samples_1_{hash[..20]}.png";
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""{"_type": "image-file", "path": "{{imagePath}}", "sha256": "{{hash}}", "size": {{png.Length}}, "format": "png", "width": 6, "height": 4}"""),
            rows[2]["samples"]));

        Assert.Equal(png, server.Uploads[imagePath]);
        Assert.Equal([1, 2, 3, 4, 5], server.Uploads["checkpoints/last.ckpt"]);
        Assert.All(server.UploadAuthorization.Values, Assert.Null); // signed URLs never see the key
        Assert.All(server.UploadExtraHeader.Values, value => Assert.Equal("yes", value)); // the upload headers were applied
        Assert.Equal([imagePath, "checkpoints/last.ckpt"], server.Announced);

        var summary = JsonNode.Parse(server.Summary!)!;
        Assert.Equal((0.5, 0.1, 0.25, 1L), (summary["loss"]!.GetValue<double>(), summary["lr"]!.GetValue<double>(),
            summary["eval/swd"]!.GetValue<double>(), summary["_step"]!.GetValue<long>()));
        Assert.Equal((true, 0), (server.Complete, server.ExitCode));
        Assert.Equal("""{"complete":true,"exitcode":0}""", server.FileStreamBodies[^1].ToJsonString());
    }

    [Fact]
    public void AfterInjectedFaultsTheServerHoldsEveryLineExactlyOnceInOrder()
    {
        server.Inject("Viewer", 2, 503);
        server.Inject("UpsertBucket", 1, 409); // UpsertBucket retries a conflict
        server.Inject("UpsertBucket", 1, 500);
        server.Inject("file_stream", 1, 429, retryAfter: "7");
        server.Inject("file_stream", 1, 502);
        server.Inject("file_stream", 1, 503);
        server.Inject("file_stream", 1, 500);
        server.InjectDrop("file_stream", 1, afterProcessing: true); // stored, but the client never hears so
        server.InjectDrop("file_stream", 1, afterProcessing: false);
        server.Inject("CreateRunFiles", 1, 429, retryAfter: "3");
        server.Inject("upload", 2, 503);
        var png = TestPng.Create(2, 2, colorType: 6);
        using (var tracker = Start(support.Tracker with { MaxLinesPerRequest = 4 }))
        {
            for (var step = 0; step < 20; step++) tracker.Log(Loss(100 - step), step);
            tracker.LogImage("final", png, 20);
            tracker.Finish(3);
            Assert.Null(tracker.Failure);
        }

        Assert.Empty(server.Violations);
        var rows = server.HistoryRows();
        Assert.Equal(21, rows.Count);
        Assert.Equal(Enumerable.Range(0, 21).Select(i => (long)i), rows.Select(r => r["_step"]!.GetValue<long>()));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => 100.0 - i), rows.Take(20).Select(r => r["loss"]!.GetValue<double>()));
        var sent = server.FileStreamBodies.Sum(b => b["files"]?["wandb-history.jsonl"]?["content"]?.AsArray().Count ?? 0);
        Assert.True(sent > 21, $"the dropped-after-processing chunk was resent ({sent} lines sent)");
        Assert.Equal(81.0, JsonNode.Parse(server.Summary!)!["loss"]!.GetValue<double>());
        Assert.Equal((true, 3), (server.Complete, server.ExitCode));
        Assert.Equal(png, Assert.Single(server.Uploads).Value);
        Assert.Contains(TimeSpan.FromSeconds(7), support.Waits); // Retry-After wins over the backoff
        Assert.Contains(TimeSpan.FromSeconds(3), support.Waits);
        Assert.Contains(TimeSpan.FromSeconds(4), support.Waits); // second retry of a burst: 2 s · 2¹ with zero jitter
        Assert.All(support.Warnings, w => Assert.DoesNotContain(WandbTestSupport.Key, w));
    }

    [Fact]
    public void AServerThatKeepsFailingHoldsTheEndOfARunOnlyForTheFinishTimeout()
    {
        server.Inject("file_stream", 1_000_000, 500);
        // Real (short) backoff waits, so the retries would go on for hours without the bound.
        var options = support.Tracker with
        {
            FinishTimeout = TimeSpan.FromSeconds(1),
            Client = support.Client with { Delay = (_, token) => Task.Delay(TimeSpan.FromMilliseconds(20), token) },
        };
        using var tracker = Start(options);
        for (var step = 0; step < 5; step++) tracker.Log(Loss(1), step);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        tracker.Finish(0);

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(20)); // the bound plus the 5 s abort grace, with room for a loaded machine
        Assert.Contains(support.Warnings, w => w.Contains("gave up after", StringComparison.Ordinal) && w.Contains("sync RUN-DIR", StringComparison.Ordinal));
    }

    [Fact]
    public void ADefaultTrackerDoesNotWaitForTheServerForMoreThanHalfAMinute() =>
        Assert.Equal(TimeSpan.FromSeconds(30), new WandbTrackerOptions().FinishTimeout);

    [Fact]
    public void ARejectedKeyFailsFastWithAClearErrorAndNoRetries()
    {
        const string wrong = "local-wrongwrongwrongwrongwrongwrongwrongwrong";
        using var tracker = Start(key: wrong);
        for (var step = 0; step < 5; step++) tracker.Log(Loss(1), step);
        tracker.Finish(0);

        var failure = Assert.IsType<WandbAuthenticationException>(tracker.Failure);
        Assert.Equal(401, failure.StatusCode);
        Assert.Contains("rejected the API key (HTTP 401)", failure.Message);
        Assert.Contains("WANDB_API_KEY", failure.Message);
        Assert.Single(server.Requests); // no retry storm
        Assert.Empty(support.Waits);
        var warning = Assert.Single(support.Warnings);
        Assert.Contains("rejected the API key", warning);
        Assert.DoesNotContain(wrong, warning + failure);
    }

    [Fact]
    public void AStopRequestedFromTheUiCancelsTheStopToken()
    {
        server.Stopped = true;
        using var tracker = Start();
        tracker.Log(Loss(1), 0);
        tracker.Finish(0);

        Assert.True(tracker.StopRequested.IsCancellationRequested);
        Assert.Contains(support.Warnings, w => w.Contains("stop was requested", StringComparison.Ordinal));
        Assert.True(server.Complete);
    }

    [Fact]
    public void AResumedRunContinuesAtTheServersHistoryLineCount()
    {
        server.HistoryLineCount = 5;
        using (var tracker = Start())
        {
            tracker.Log(Loss(1), 5);
            tracker.Log(Loss(2), 6);
            tracker.Finish(0);
        }

        Assert.Equal([5L, 6L], server.History.Keys);
        Assert.Equal(5, server.FileStreamBodies[0]["files"]!["wandb-history.jsonl"]!["offset"]!.GetValue<long>());
    }

    [Fact]
    public void AnIdleRunSendsEmptyHeartbeats()
    {
        using var tracker = Start(support.Tracker with { HeartbeatInterval = TimeSpan.FromMilliseconds(50) });
        SpinWait.SpinUntil(() => server.FileStreamBodies.ToArray().Any(b => b.Count == 0), TimeSpan.FromSeconds(30));
        tracker.Finish(0);

        Assert.Contains(server.FileStreamBodies, b => b.ToJsonString() == "{}");
        Assert.True(server.Complete);
    }

    [Fact]
    public async Task LogDoesNotWaitForAStalledServerAndFinishDeliversEverything()
    {
        server.HoldFileStream = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var tracker = Start();
        var logging = Task.Run(() =>
        {
            for (var step = 0; step < 500; step++) tracker.Log(Loss(step), step);
        });
        Assert.Same(logging, await Task.WhenAny(logging, Task.Delay(TimeSpan.FromSeconds(60)))); // returned while the server held every file_stream request
        server.HoldFileStream.SetResult();
        tracker.Finish(0);

        Assert.Equal(500, server.HistoryRows().Count);
        Assert.True(server.Complete);
    }

    [Fact]
    public void DisposeWithoutFinishFlushesEverythingButDoesNotMarkTheRunComplete()
    {
        using (var tracker = Start())
            for (var step = 0; step < 3; step++) tracker.Log(Loss(step), step);

        Assert.Equal(3, server.HistoryRows().Count);
        Assert.False(server.Complete);
    }
}
