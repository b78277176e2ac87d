using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Research.Framework.Dashboard;
using Research.Framework.Tracking;
using Research.Framework.Tracking.RunIndex;
using Xunit;

namespace Research.Experiments.Tests;

/// <summary>
/// The dashboard end to end: a real tiny sit-checkerboard run, the dashboard over its runs folder, and the page in
/// headless Chromium (the system's, driven by Playwright without a browser download).
/// </summary>
public sealed class DashboardBrowserTests : IDisposable
{
    /// <summary>Where Debian's chromium package puts the browser; RESEARCH_CHROMIUM overrides it.</summary>
    static string ChromiumPath => Environment.GetEnvironmentVariable("RESEARCH_CHROMIUM") ?? "/usr/bin/chromium";

    /// <summary>Generous: the machine may be busy with other builds.</summary>
    const float WaitMilliseconds = 90_000;

    const string Hostile = "<img src=x onerror=\"window.injected=1\">";

    readonly string runs = Directory.CreateTempSubdirectory("dashboard-browser-").FullName;

    public void Dispose() => Directory.Delete(runs, recursive: true);

    [Fact]
    public async Task ARealRunShowsInTheTableWithItsLossCurveAndSamplesAndThePageFetchesOnlyFromLoopback()
    {
        Assert.True(File.Exists(ChromiumPath),
            $"Chromium is missing at {ChromiumPath}: install it with `apt-get install -y chromium` (.ci/run does), or point RESEARCH_CHROMIUM at a Chromium binary.");

        // 40 steps logged every 4: the loss at steps 4, 8, ..., 40.
        var (code, output, error) = ProgramTests.Run("run", "sit-checkerboard", "--runs-dir", runs, "--Steps", "40", "--LogEvery", "4", "--PreviewEvery", "20",
            "--Evaluate.Every", "0", "--SampleCount", "256", "--Network.Hidden", "32", "--Network.Depth", "1", "--Sampler.Steps", "4");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        var runFolder = Directory.GetDirectories(Path.Combine(runs, "sit-checkerboard")).Single();
        var runId = Path.GetFileName(runFolder);
        var lossPoints = File.ReadLines(Path.Combine(runFolder, "metrics.jsonl"))
            .Count(line => JsonNode.Parse(line)!["train/loss"] is JsonValue value && double.IsFinite(value.GetValue<double>()));
        Assert.Equal(10, lossPoints);
        Assert.True(File.Exists(Path.Combine(runFolder, "media", "samples_00000020.png")));
        WriteHostileRunAndSweep();

        await using var dashboard = await DashboardServer.StartAsync(new DashboardOptions(runs));
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"], // root in a container
        });
        var context = await browser.NewContextAsync();
        context.SetDefaultTimeout(WaitMilliseconds);
        var requests = new List<string>();
        var problems = new List<string>();
        context.Request += (_, request) => { lock (requests) requests.Add(request.Url); };
        var page = await context.NewPageAsync();
        page.Console += (_, message) => { if (message.Type == "error") lock (problems) problems.Add($"console: {message.Text}"); };
        page.PageError += (_, message) => { lock (problems) problems.Add($"page error: {message}"); };

        // The runs table: the run is listed, and the hostile name is text, not markup.
        await page.GotoAsync(dashboard.Url.ToString());
        var row = page.Locator($"#runs tbody tr[data-run=\"{runId}\"]");
        await row.WaitForAsync();
        Assert.Equal("finished", (await row.Locator(".status").TextContentAsync())?.Trim());
        Assert.Contains("Steps=40", await row.TextContentAsync());
        var hostileRow = page.Locator("#runs tbody tr[data-run=\"hostile\"]");
        Assert.Contains(Hostile, await hostileRow.TextContentAsync());
        Assert.Equal(0, await page.Locator("#runs img").CountAsync());

        // Sorting by a column header orders the rows by it; a second click reverses them.
        var ids = "rows => rows.map(r => r.dataset.run)";
        await page.Locator("#runs th[data-column=\"name\"]").ClickAsync();
        var ascending = await page.Locator("#runs tbody tr").EvaluateAllAsync<string[]>(ids);
        await page.Locator("#runs th[data-column=\"name\"]").ClickAsync();
        var descending = await page.Locator("#runs tbody tr").EvaluateAllAsync<string[]>(ids);
        Assert.Equal(4, ascending.Length);
        Assert.True(Array.IndexOf(ascending, "trial-a") < Array.IndexOf(ascending, "trial-b"), string.Join(", ", ascending));
        Assert.Equal(ascending.Reverse(), descending);

        // The run page: one raw path with every logged point, and the newest sample image decoded.
        await page.Locator($"#runs a[href=\"#/run/{runId}\"]").ClickAsync();
        var loss = page.Locator(".chart[data-key=\"train/loss\"] path.raw");
        await Explained(page, problems, () => loss.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached }));
        Assert.Equal(lossPoints.ToString(CultureInfo.InvariantCulture), await loss.GetAttributeAsync("data-points"));
        var pathData = await loss.GetAttributeAsync("d") ?? "";
        Assert.Equal(lossPoints, pathData.Count(c => c is 'M' or 'L'));
        Assert.Equal(1, pathData.Count(c => c == 'M'));
        await page.WaitForFunctionAsync("() => { const images = [...document.querySelectorAll('#images img')]; return images.length > 0 && images.every(i => i.complete && i.naturalWidth > 0); }");
        Assert.Equal(512, await page.Locator("#images img").First.EvaluateAsync<int>("img => img.naturalWidth"));

        // Smoothing draws a second, smoothed path over the raw one; at 0 only the raw one is left.
        Assert.Equal(1, await page.Locator(".chart[data-key=\"train/loss\"] path.smooth").CountAsync());
        await page.Locator("#smoothing").FillAsync("0");
        Assert.Equal(1, await page.Locator(".chart[data-key=\"train/loss\"] path").CountAsync());

        // Another run overlaid: a second line with its own points; its config diff lists the setting it changed.
        await page.GotoAsync(new Uri(dashboard.Url, $"#/run/{runId}?with=trial-a").ToString());
        await page.Locator(".chart[data-key=\"train/loss\"] path.raw[data-run=\"trial-a\"]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        Assert.Equal(["10", "3"], await page.Locator(".chart[data-key=\"train/loss\"] path.raw").EvaluateAllAsync<string[]>("paths => paths.map(p => p.dataset.points)"));
        await page.Locator("select[aria-label=\"diff the config against\"]").SelectOptionAsync("trial-a");
        await page.Locator("#diff table").WaitForAsync();
        Assert.Contains("diff_from_defaults", await page.Locator("#config").TextContentAsync()); // the whole config is shown
        Assert.Contains("config.Steps", await page.Locator("#diff").TextContentAsync()); // the trial's config has no Steps: a difference

        // The sweep page: one point per run of the sweep.
        await page.GotoAsync(new Uri(dashboard.Url, "#/sweep/sweep-1").ToString());
        await page.Locator("#scatter circle.point").Nth(1).WaitForAsync();
        Assert.Equal(2, await page.Locator("#scatter circle.point").CountAsync());

        Assert.Null(await page.EvaluateAsync<int?>("() => window.injected ?? null"));
        lock (problems) Assert.Empty(problems);
        lock (requests)
        {
            Assert.NotEmpty(requests);
            Assert.All(requests, url => Assert.Equal("127.0.0.1", new Uri(url).Host));
        }
    }

    /// <summary>Runs a wait; when it times out, the failure shows what the page showed and what it complained about.</summary>
    static async Task Explained(IPage page, List<string> problems, Func<Task> wait)
    {
        try
        {
            await wait();
        }
        catch (TimeoutException timeout)
        {
            string[] seen;
            lock (problems) seen = [.. problems];
            throw new TimeoutException($"{timeout.Message}\npage {page.Url}:\n{await page.InnerTextAsync("#view")}\nproblems:\n{string.Join("\n", seen)}", timeout);
        }
    }

    /// <summary>A run whose name and config carry markup, and a two-run sweep, written straight to the index.</summary>
    void WriteHostileRunAndSweep()
    {
        using var store = RunStore.Open(runs);
        var config = new JsonObject { ["diff_from_defaults"] = new JsonObject { ["Note"] = new JsonObject { ["default"] = "", ["value"] = "<script>window.injected=1</script>" } } };
        store.StartRun(new RunRecord("hostile", "sit-checkerboard", Hostile, null, config.ToJsonString(), null, DateTimeOffset.UtcNow));
        store.FinishRun("hostile", 1);
        store.UpsertSweep("sweep-1", "learning rate", """{"metric":{"name":"final/swd","goal":"minimize"}}""");
        foreach (var (id, rate, swd) in new[] { ("trial-a", "0.001", 0.2), ("trial-b", "0.003", 0.1) })
        {
            var trial = new JsonObject { ["diff_from_defaults"] = new JsonObject { ["LearningRate"] = new JsonObject { ["default"] = "0.001", ["value"] = rate } } };
            store.StartRun(new RunRecord(id, "sit-checkerboard", id, null, trial.ToJsonString(), "sweep-1", DateTimeOffset.UtcNow));
            store.SetSummary(id, new Dictionary<string, double> { ["final/swd"] = swd });
            if (id == "trial-a") store.AddMetrics(id, [("train/loss", 0, 2.0), ("train/loss", 10, 1.5), ("train/loss", 20, 1.25)]);
            store.FinishRun(id, 0);
        }
    }
}
