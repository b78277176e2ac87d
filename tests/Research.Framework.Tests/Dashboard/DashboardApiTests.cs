using System.Net;
using System.Text.Json.Nodes;
using Research.Framework.Dashboard;
using Research.Framework.Tests.Tracking;
using Research.Framework.Tracking;
using Research.Framework.Tracking.RunIndex;
using Xunit;

namespace Research.Framework.Tests.Dashboard;

/// <summary>The dashboard's HTTP surface over a runs folder written by the real trackers (the browser test drives the page).</summary>
public sealed class DashboardApiTests : IDisposable
{
    readonly string runs = Directory.CreateTempSubdirectory("dashboard-api-").FullName;
    readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(60) };

    public void Dispose()
    {
        http.Dispose();
        Directory.Delete(runs, recursive: true);
    }

    /// <summary>A run written the way ExperimentRunner does: config.json, then the sinks from the environment; loss 1/(step+1) at steps 0..24, NaN at 25.</summary>
    string WriteRun(string id, bool finish = true, string? sweep = null, double? objective = null, byte[]? png = null)
    {
        var folder = Path.Combine(runs, "exp", id);
        Directory.CreateDirectory(folder);
        var sweepField = sweep is null ? "" : $$""","sweep_id":"{{sweep}}" """;
        var config = $$"""{"experiment":"exp","run_id":"{{id}}","diff_from_defaults":{"lr":{"default":"0.001","value":"0.002"} }{{sweepField}}}""";
        File.WriteAllText(Path.Combine(folder, "config.json"), config);
        using var tracker = Trackers.FromEnvironment(folder, config, new TrackerOptions { Environment = _ => null, Warn = message => Assert.Fail(message) });
        for (var step = 0; step < 25; step++) tracker.Log(new Dictionary<string, double> { ["loss"] = 1.0 / (step + 1) }, step);
        tracker.Log(new Dictionary<string, double> { ["loss"] = double.NaN }, 25);
        tracker.LogImage("samples", png ?? TestPng.Create(3, 2), 25);
        if (objective is { } value) tracker.SetSummary("final/swd", value);
        if (finish) tracker.Finish(0);
        else foreach (var sink in tracker.Sinks.OfType<RunStoreTracker>()) sink.Flush();
        return folder;
    }

    async Task<JsonNode> Json(Uri url, string path)
    {
        using var response = await http.GetAsync(new Uri(url, path));
        Assert.True(response.IsSuccessStatusCode, $"{path}: {response.StatusCode}");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    async Task<HttpStatusCode> Status(Uri url, string path)
    {
        using var response = await http.GetAsync(new Uri(url, path));
        return response.StatusCode;
    }

    [Fact]
    public async Task RebuildsAMissingIndexThenServesTheRunItsSeriesAfterAStepAndItsImage()
    {
        var png = TestPng.Create(5, 4);
        WriteRun("run-1", png: png);
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(Path.Combine(runs, RunStore.FileName + suffix));

        await using var server = await DashboardServer.StartAsync(new DashboardOptions(runs));
        Assert.Equal("127.0.0.1", server.Url.Host);

        var list = (await Json(server.Url, "api/runs")).AsArray();
        var run = Assert.Single(list)!;
        Assert.Equal(("run-1", "finished", "0.002"), ((string)run["id"]!, (string)run["status"]!, (string)run["config"]!["diff_from_defaults"]!["lr"]!["value"]!));

        var detail = await Json(server.Url, "api/runs/run-1");
        Assert.Equal(["loss"], detail["metricKeys"]!.AsArray().Select(key => (string)key!));
        var media = Assert.Single(detail["media"]!.AsArray())!;
        Assert.Equal(("samples", 25L), ((string)media["key"]!, (long)media["step"]!));
        Assert.Equal(png, await http.GetByteArrayAsync(new Uri(server.Url, (string)media["url"]!)));

        var after = (await Json(server.Url, "api/series?key=loss&run=run-1&after=21"))["run-1"]!.AsArray();
        Assert.Equal([22.0, 23.0, 24.0, 25.0], after.Select(point => (double)point![0]!));
        Assert.Equal(1.0 / 23, (double)after[0]![1]!, 12);
        Assert.Equal("NaN", (string)after[3]![1]!); // a diverged value is sent as the named literal, not an error
        Assert.Equal(26, (await Json(server.Url, "api/series?key=loss&run=run-1"))["run-1"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("empty")]
    public async Task ADamagedIndexIsMovedAsideWithAWarningAndRebuiltFromTheRunFolders(string damage)
    {
        WriteRun("run-1");
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(Path.Combine(runs, RunStore.FileName + suffix));
        File.WriteAllBytes(Path.Combine(runs, RunStore.FileName), damage == "empty" ? [] : System.Text.Encoding.ASCII.GetBytes("not a database at all, only text".PadRight(4096, 'x')));
        var warnings = new List<string>();

        await using var server = await DashboardServer.StartAsync(new DashboardOptions(runs) { Warn = warnings.Add });

        Assert.Equal("run-1", (string)Assert.Single((await Json(server.Url, "api/runs")).AsArray())!["id"]!);
        var warning = Assert.Single(warnings);
        Assert.Contains(damage == "empty" ? "is empty" : "cannot be read", warning);
        Assert.Contains("rebuilt it from the run folders", warning);
        Assert.Single(Directory.GetFiles(runs, RunStore.FileName + ".damaged-*"), path => !path.EndsWith("-wal") && !path.EndsWith("-shm"));
    }

    [Fact]
    public async Task AHealthyIndexOpensWithoutAWord()
    {
        WriteRun("run-1");
        RunStore.Rebuild(runs);
        var warnings = new List<string>();
        await using var server = await DashboardServer.StartAsync(new DashboardOptions(runs) { Warn = warnings.Add });
        Assert.Single((await Json(server.Url, "api/runs")).AsArray());
        Assert.Empty(warnings);
        Assert.Empty(Directory.GetFiles(runs, RunStore.FileName + ".damaged-*"));
    }

    [Fact]
    public async Task ServesOnlyLoopbackHostsWithAContentSecurityPolicyAndNoFileOutsideTheRun()
    {
        WriteRun("run-1");
        File.WriteAllBytes(Path.Combine(runs, "outside.png"), TestPng.Create(1, 1));
        await using var server = await DashboardServer.StartAsync(new DashboardOptions(runs));

        using (var response = await http.GetAsync(server.Url))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Contains("/assets/dashboard.js", await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(HttpStatusCode.OK, await Status(server.Url, "assets/dashboard.js"));
        Assert.Equal(HttpStatusCode.OK, await Status(server.Url, "api/runs/run-1/files/media/samples_00000025.png"));
        foreach (var path in new[] { "api/runs/run-1/files/..%2F..%2Foutside.png", "api/runs/run-1/files/..%2F..%2Fruns.db", "api/runs/run-1/files/config.json",
                     "api/runs/run-1/files/%2Fetc%2Fpasswd", "api/runs/no-such-run/files/media/samples_00000025.png", "assets/..%2F..%2FRunFiles.cs", "assets/missing.js" })
            Assert.Equal(HttpStatusCode.NotFound, await Status(server.Url, path));

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Url, "api/runs"));
        request.Headers.Host = "attacker.example";
        using var rebound = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.MisdirectedRequest, rebound.StatusCode);
    }

    [Fact]
    public async Task ARefusedHostGetsTheSecurityHeadersAPlainTextTypeAndNoEchoWhileLocalhostInAnyCaseIsServed()
    {
        WriteRun("run-1");
        await using var server = await DashboardServer.StartAsync(new DashboardOptions(runs));

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Url, "api/runs"));
        request.Headers.Host = "attacker.example";
        using var rebound = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.MisdirectedRequest, rebound.StatusCode);
        Assert.Contains("default-src 'none'", rebound.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", rebound.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("text/plain", rebound.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("attacker", await rebound.Content.ReadAsStringAsync());

        foreach (var name in new[] { "LOCALHOST", "LocalHost" })
        {
            using var upper = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Url, "api/runs"));
            upper.Headers.Host = $"{name}:{server.Url.Port}";
            using var served = await http.SendAsync(upper);
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }
    }

    [Fact]
    public async Task ListingMarksSilentRunningRunsCrashedAndLeavesFinishedOnes()
    {
        WriteRun("silent", finish: false);
        WriteRun("done");
        // A negative silence puts the limit after every heartbeat: every running run is silent.
        await using var server = await DashboardServer.StartAsync(new DashboardOptions(runs) { CrashedAfter = TimeSpan.FromSeconds(-1) });

        var statuses = (await Json(server.Url, "api/runs")).AsArray().ToDictionary(run => (string)run!["id"]!, run => (string)run!["status"]!);

        Assert.Equal(new Dictionary<string, string> { ["silent"] = "crashed", ["done"] = "finished" }, statuses);
    }

    [Fact]
    public async Task ListsSweepsOfTheIndexAndThoseOnlyRunsNameWithTheirRuns()
    {
        WriteRun("a", sweep: "sw1", objective: 0.5);
        WriteRun("b", sweep: "sw1", objective: 0.25);
        WriteRun("c", sweep: "sw2");
        WriteRun("d");
        using (var store = RunStore.Open(runs)) store.UpsertSweep("sw1", "lr search", """{"metric":{"name":"final/swd","goal":"minimize"}}""");
        await using var server = await DashboardServer.StartAsync(new DashboardOptions(runs));

        var sweeps = (await Json(server.Url, "api/sweeps")).AsArray();
        Assert.Equal([("sw1", "lr search", 2), ("sw2", "sw2", 1)], sweeps.Select(s => ((string)s!["id"]!, (string)s["name"]!, (int)s["runs"]!)));
        Assert.Equal("final/swd", (string)sweeps[0]!["config"]!["metric"]!["name"]!);

        var detail = await Json(server.Url, "api/sweeps/sw1");
        Assert.Equal(new Dictionary<string, double> { ["a"] = 0.5, ["b"] = 0.25 },
            detail["runs"]!.AsArray().ToDictionary(run => (string)run!["id"]!, run => (double)run!["summary"]!["final/swd"]!));
        Assert.Equal(HttpStatusCode.NotFound, await Status(server.Url, "api/sweeps/none"));
        Assert.Equal(HttpStatusCode.NotFound, await Status(server.Url, "api/runs/none"));
    }
}
