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
        Assert.Equal(512 + Research.Framework.Evaluation.ScatterPlot.AxesMargins.Left + Research.Framework.Evaluation.ScatterPlot.AxesMargins.Right,   // the 512-pixel plot area and its axes
            await page.Locator("#images img").First.EvaluateAsync<int>("img => img.naturalWidth"));

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

    [Fact]
    public async Task RunAndSweepPagesExplainThemselves()
    {
        Assert.True(File.Exists(ChromiumPath), $"Chromium is missing at {ChromiumPath}: install it with `apt-get install -y chromium` (.ci/run does).");
        WriteRunsThatNeedExplaining();

        await using var dashboard = await DashboardServer.StartAsync(new DashboardOptions(runs));
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        context.SetDefaultTimeout(WaitMilliseconds);
        var problems = new List<string>();
        var page = await context.NewPageAsync();
        page.Console += (_, message) => { if (message.Type == "error") lock (problems) problems.Add($"console: {message.Text}"); };
        page.PageError += (_, message) => { lock (problems) problems.Add($"page error: {message}"); };

        // The runs table scrolls inside its own box: the page is never wider than the window, however many columns.
        await page.GotoAsync(dashboard.Url.ToString());
        await page.Locator("#runs tbody tr[data-run=\"named\"]").WaitForAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            $"the page is {await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")} px wide in a 1280 px window");
        Assert.True(await page.Locator(".table-wrap").First.EvaluateAsync<bool>("wrap => wrap.scrollWidth > wrap.clientWidth"), "the fixture's table should overflow its box");
        // A run's human name and tags (Tracker.Name, Tracker.Tags) stand for it; a stopped run says stopped.
        var named = page.Locator("#runs tbody tr[data-run=\"named\"]");
        Assert.Equal("baseline lr 1e-3", (await named.Locator("td.run-name a").TextContentAsync())?.Trim());
        Assert.Equal(["ablation", "v2"], await named.Locator(".tag").AllTextContentsAsync());
        Assert.Equal("stopped", (await page.Locator("#runs tbody tr[data-run=\"stopped\"] .status").TextContentAsync())?.Trim());

        // Axis ticks near 1 have the digits that tell them apart.
        await page.GotoAsync(new Uri(dashboard.Url, "#/run/named").ToString());
        var ticks = page.Locator(".chart[data-key=\"train/loss\"] text.tick");
        await ticks.First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        var labels = await ticks.AllTextContentsAsync();
        var yLabels = labels.Where(l => l.StartsWith("0.9") || l.StartsWith("1")).ToList();
        Assert.True(yLabels.Count >= 3 && yLabels.Distinct().Count() == yLabels.Count, string.Join(" | ", labels));
        // The run page shows the final numbers, final ones first.
        var summary = await page.Locator("#summary tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.key)");
        Assert.Equal("final/swd", summary[0]);
        Assert.Contains("0.0317", await page.Locator("#summary tr[data-key=\"final/swd\"]").TextContentAsync());

        // A failed run shows what it died of and the end of its log.
        await page.GotoAsync(new Uri(dashboard.Url, "#/run/failed").ToString());
        await page.Locator("#failure pre").WaitForAsync();
        Assert.Contains("System.IO.IOException: the disk is on fire", await page.Locator("#failure pre").TextContentAsync());
        Assert.Contains("step 10/20", await page.Locator("#log pre").TextContentAsync());
        Assert.Equal("failed", (await page.Locator("h1 .status").TextContentAsync())?.Trim());

        // The sweep page shows every trial, the one left at the default value too, in the table, the scatter and the
        // parallel coordinates, and ranks the parameter that moves the objective first.
        await page.GotoAsync(new Uri(dashboard.Url, "#/sweep/sweep-2").ToString());
        await page.Locator("#trials tbody tr").Nth(3).WaitForAsync();
        Assert.Equal(4, await page.Locator("#trials tbody tr").CountAsync());
        Assert.Contains("0.001", await page.Locator("#trials tbody tr[data-run=\"t-default\"]").TextContentAsync());
        Assert.Equal(4, await page.Locator("#scatter circle.point").CountAsync());
        Assert.Equal(4, await page.Locator("#parallel path.trial").CountAsync());
        var ranked = await page.Locator("#importance tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.parameter)");
        Assert.Equal(["LearningRate", "BatchSize"], ranked);
        Assert.Contains("-1.000", await page.Locator("#importance tbody tr[data-parameter=\"LearningRate\"]").TextContentAsync());

        // An evaluation sweep's points are its trials, each linking to the trained run, with the same three views.
        await page.GotoAsync(new Uri(dashboard.Url, "#/sweep/named.eval-sweep-0123456789ab").ToString());
        await page.Locator("#trials tbody tr[data-run=\"named\"]").Nth(2).WaitForAsync(); // not the rows of the sweep before
        Assert.Equal(3, await page.Locator("#trials tbody tr").CountAsync());
        Assert.Equal(3, await page.Locator("#parallel path.trial").CountAsync());
        var evalRanked = await page.Locator("#importance tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.parameter)");
        Assert.Equal("Sampler.Steps", evalRanked[0]);
        Assert.Contains("-1.000", await page.Locator("#importance tbody tr[data-parameter=\"Sampler.Steps\"]").TextContentAsync());

        lock (problems) Assert.Empty(problems);
    }

    /// <summary>
    /// Runs written straight to the index and their folders: a named and tagged run with many summary columns and a
    /// loss near 1, a stopped run, a failed run with error.txt and log.txt, a sweep of four trials, one of them
    /// at the default learning rate (absent from its diff_from_defaults, present in its config), and a three-point
    /// evaluation sweep of the named run.
    /// </summary>
    void WriteRunsThatNeedExplaining()
    {
        using var store = RunStore.Open(runs);
        var named = new JsonObject { ["config"] = new JsonObject { ["Tracker.Name"] = "baseline lr 1e-3", ["Tracker.Tags"] = "ablation, v2", ["LearningRate"] = 0.001 } };
        store.StartRun(new RunRecord("named", "sit-checkerboard", "20261202-000000-abcdef", "sit-checkerboard/named", named.ToJsonString(), null, DateTimeOffset.UtcNow));
        store.AddMetrics("named", [.. Enumerable.Range(0, 20).Select(i => ("train/loss", (long)i * 10, 1.0 + 0.0001 * Math.Sin(i)))]);
        var wide = Enumerable.Range(0, 30).ToDictionary(i => $"eval/a_rather_long_metric_name_{i:00}", i => (double)i);
        wide["final/swd"] = 0.0317;
        store.SetSummary("named", wide);
        store.FinishRun("named", 0);

        store.StartRun(new RunRecord("stopped", "sit-checkerboard", "stopped", "sit-checkerboard/stopped", "{}", null, DateTimeOffset.UtcNow));
        store.FinishRun("stopped", RunStatuses.StoppedExitCode);

        var failed = Path.Combine(runs, "sit-checkerboard", "failed");
        Directory.CreateDirectory(failed);
        File.WriteAllText(Path.Combine(failed, RunLayout.ErrorFileName), "System.IO.IOException: the disk is on fire\n   at Somewhere()");
        File.WriteAllText(Path.Combine(failed, RunLayout.LogFileName), "run sit-checkerboard → x\nstep 10/20  train/loss 1.2\n");
        store.StartRun(new RunRecord("failed", "sit-checkerboard", "failed", "sit-checkerboard/failed", "{}", null, DateTimeOffset.UtcNow));
        store.FinishRun("failed", 1);

        store.UpsertSweep("sweep-2", "rates", """{"metric":{"name":"final/swd","goal":"minimize"}}""");
        foreach (var (id, rate, batch, swd) in new[] { ("t-default", 0.001, 128, 0.30), ("t-2", 0.002, 256, 0.20), ("t-3", 0.003, 128, 0.10), ("t-4", 0.004, 256, 0.05) })
        {
            var diff = new JsonObject();
            if (rate != 0.001) diff["LearningRate"] = new JsonObject { ["default"] = 0.001, ["value"] = rate };
            if (batch != 256) diff["BatchSize"] = new JsonObject { ["default"] = 256, ["value"] = batch };
            var trial = new JsonObject { ["config"] = new JsonObject { ["LearningRate"] = rate, ["BatchSize"] = batch, ["Seed"] = 0 }, ["diff_from_defaults"] = diff };
            store.StartRun(new RunRecord(id, "sit-checkerboard", id, null, trial.ToJsonString(), "sweep-2", DateTimeOffset.UtcNow));
            store.SetSummary(id, new Dictionary<string, double> { ["final/swd"] = swd });
            store.FinishRun(id, 0);
        }

        // An evaluation sweep of the named run (eval RUN-DIR --sweep), as its record in the run folder and filed from it.
        var evaluated = Path.Combine(runs, "sit-checkerboard", "named");
        Directory.CreateDirectory(evaluated);
        var points = new JsonArray();
        foreach (var (steps, scale, swd) in new[] { ("1", "1", 0.3), ("2", "3", 0.2), ("4", "2", 0.1) })
            points.Add(new JsonObject { ["settings"] = new JsonObject { ["Sampler.Steps"] = steps, ["GuidanceScale"] = scale }, ["value"] = swd, ["file"] = $"eval-{steps}.json", ["command"] = "eval" });
        var record = Path.Combine(evaluated, "eval-sweep-0123456789ab.json");
        File.WriteAllText(record, new JsonObject { ["objective"] = "eval/swd", ["direction"] = "minimize", ["points"] = points }.ToJsonString());
        Assert.NotNull(store.FileEvalSweep(runs, evaluated, record));
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
