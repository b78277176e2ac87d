using System.Text.Json;
using System.Text.Json.Nodes;
using Research.Framework.Dashboard;
using Research.Framework.Experiments;
using Research.Framework.Runs;
using Research.Framework.Tracking;
using Research.Framework.Tracking.RunIndex;
using Research.Framework.Training;
using Research.Framework.Training.Checkpoints;
using Research.Framework.Training.PostHocEma;
using Xunit;

namespace Research.Experiments.Tests;

/// <summary>
/// `eval RUN-DIR` with the typed eval settings: the sampler's steps on a MeanFlow run, guidance scale, interval and an
/// autoguide on a conditional run, a sweep that ends with its best point and the command that repeats it, and exit 2
/// for a bad value or a setting that would change the trained model.
/// </summary>
public sealed class EvalCommandTests : IDisposable
{
    readonly string runs = Directory.CreateTempSubdirectory("eval-runs-").FullName;

    public void Dispose() => Directory.Delete(runs, recursive: true);

    static (int Code, string Output, string Error) Run(params string[] args) => ProgramTests.Run(args);

    string Train(string experiment, params string[] settings)
    {
        var (code, _, error) = Run(["run", experiment, "--runs-dir", runs, "--Evaluate.Every", "0", "--Network.Hidden", "32", "--Network.Depth", "1",
            "--Threads", "1", "--skip-preflight", .. settings]);
        Assert.True(code == 0, error);
        return Directory.GetDirectories(Path.Combine(runs, experiment)).OrderBy(Directory.GetCreationTimeUtc).Last();
    }

    static JsonElement Metric(string file, string key)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(file));
        return document.RootElement.GetProperty("metrics").GetProperty(key).Clone();
    }

    static string Written(string output) =>
        output.Split('\n').Last(l => l.StartsWith("wrote ", StringComparison.Ordinal))["wrote ".Length..].Split(" and ")[0];

    /// <summary>A one-step MeanFlow run evaluated with 4 EulerJump steps: the protocol says 4, the numbers differ from 1 step, each in its own file.</summary>
    [Fact]
    public void MeanFlowRunEvaluatesWithMoreSteps()
    {
        var run = Train("meanflow-checkerboard", "--Steps", "20", "--SampleCount", "64");
        var (one, oneOutput, oneError) = Run("eval", run, "--samples", "128", "--seed", "5");
        Assert.True(one == 0, oneError);
        var (four, fourOutput, fourError) = Run("eval", run, "--samples", "128", "--seed", "5", "--Sampler.Steps", "4");
        Assert.True(four == 0, fourError);

        Assert.Contains("EulerJump 1 steps", oneOutput);
        Assert.Contains("EulerJump 4 steps", fourOutput);
        var (oneFile, fourFile) = (Written(oneOutput), Written(fourOutput));
        Assert.Equal(Path.Combine(run, "eval-5-128.json"), oneFile);
        Assert.NotEqual(oneFile, fourFile);
        var fourSwd = Metric(fourFile, "eval/swd");
        Assert.Equal("4", fourSwd.GetProperty("protocol").GetProperty("Steps").GetString());
        Assert.Equal("EulerJump", fourSwd.GetProperty("protocol").GetProperty("Sampler").GetString());
        Assert.NotEqual(Metric(oneFile, "eval/swd").GetProperty("value").GetDouble(), fourSwd.GetProperty("value").GetDouble());
        using var document = JsonDocument.Parse(File.ReadAllText(fourFile));
        Assert.Equal(fourSwd.GetProperty("protocol_hash").GetString(), document.RootElement.GetProperty("protocol_hash").GetString());
        Assert.Contains(document.RootElement.GetProperty("id").GetString()!, Path.GetFileName(fourFile));
        Assert.Equal("4", document.RootElement.GetProperty("settings").GetProperty("Sampler.Steps").GetString());
    }

    /// <summary>
    /// A class-conditional toy evaluated with guidance scale 3 on [0.2, 0.8]: the protocol records both, and the numbers
    /// differ from guidance everywhere and from no guidance; an unconditional run of the same toy guides it as an autoguide.
    /// </summary>
    [Fact]
    public void ConditionalRunEvaluatesWithGuidanceIntervalAndGuide()
    {
        var run = Train("sit-moons", "--TrainSteps", "20", "--Network.NumClasses", "2");
        string[] common = ["eval", run, "--samples", "128", "--seed", "5", "--Sampler.Steps", "4"];
        var (code, output, error) = Run([.. common, "--GuidanceScale", "3", "--GuidanceMin", "0.2", "--GuidanceMax", "0.8"]);
        Assert.True(code == 0, error);
        Assert.Contains("guidance 3 on [0.2, 0.8]", output);
        var interval = Metric(Written(output), "eval/swd_g3");
        Assert.Equal("0.2..0.8", interval.GetProperty("protocol").GetProperty("GuidanceInterval").GetString());
        Assert.Equal("3", interval.GetProperty("protocol").GetProperty("GuidanceScale").GetString());

        var (_, everywhere, _) = Run([.. common, "--guidance", "3"]);
        var (_, unguided, _) = Run([.. common]);
        var values = new[] { interval, Metric(Written(everywhere), "eval/swd_g3"), Metric(Written(unguided), "eval/swd") }
            .Select(m => m.GetProperty("value").GetDouble()).ToArray();
        Assert.Equal(3, values.Distinct().Count());

        var guide = Train("sit-moons", "--TrainSteps", "10");
        var (guided, guidedOutput, guidedError) = Run([.. common, "--GuidanceScale", "2", "--Guide", guide]);
        Assert.True(guided == 0, guidedError);
        Assert.Contains($"by the guide {guide}", guidedOutput);
        Assert.Equal(guide, Metric(Written(guidedOutput), "eval/swd_g2").GetProperty("protocol").GetProperty("Guide").GetString());
    }

    /// <summary>A 3 × 2 sweep evaluates 6 points, records them, ends with the best (the smallest SWD) and a command that repeats it exactly.</summary>
    [Fact]
    public void SweepOfSixPointsEndsWithTheBestAndItsCommand()
    {
        var run = Train("sit-moons", "--TrainSteps", "20", "--Network.NumClasses", "2");
        var (code, output, error) = Run("eval", run, "--sweep", "--samples", "64", "--seed", "2", "--Sampler.Steps", "1", "--Sampler.Steps", "2",
            "--Sampler.Steps", "4", "--GuidanceScale", "1", "--GuidanceScale", "3");
        Assert.True(code == 0, error);
        var sweepFile = Directory.GetFiles(run, "eval-sweep-*.json").Single();
        using var sweep = JsonDocument.Parse(File.ReadAllText(sweepFile));
        var points = sweep.RootElement.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(6, points.Count);
        Assert.Equal(6, points.Select(p => p.GetProperty("file").GetString()).Distinct().Count());
        var best = sweep.RootElement.GetProperty("best");
        Assert.Equal(points.Min(p => p.GetProperty("value").GetDouble()), best.GetProperty("value").GetDouble());

        var lines = output.TrimEnd().Split('\n');
        Assert.StartsWith("best: --Sampler.Steps ", lines[^2]);
        Assert.StartsWith("repeat it: dotnet run --project src/Experiments -- eval ", lines[^1]);
        var repeat = lines[^1][(lines[^1].IndexOf(" -- ", StringComparison.Ordinal) + 4)..].Trim().Split(' ');
        var (again, againOutput, againError) = Run(repeat);
        Assert.True(again == 0, againError);
        var bestSettings = best.GetProperty("settings");
        var key = bestSettings.GetProperty("GuidanceScale").GetString() == "1" ? "eval/swd" : "eval/swd_g3";
        Assert.Equal(best.GetProperty("value").GetDouble(), Metric(Written(againOutput), key).GetProperty("value").GetDouble());

        var (bestCode, bestOutput, _) = Run("eval", run, "--best");
        Assert.Equal(0, bestCode);
        Assert.Contains(lines[^1], bestOutput);
    }

    /// <summary>
    /// A 4-point eval sweep lands in the run index as a sweep card with one trial per point whose settings and value are
    /// those of eval-sweep-&lt;id&gt;.json, linked to the trained run; a deleted runs.db rebuilt from the run folders has it
    /// again, a deleted record takes its card away, and the dashboard's sweep API serves it over loopback HTTP.
    /// </summary>
    [Fact]
    public async Task SweepIsFiledInTheRunIndexRebuiltFromTheFolderAndServedByTheDashboard()
    {
        var run = Train("sit-moons", "--TrainSteps", "20");
        var (code, output, error) = Run("eval", run, "--sweep", "--samples", "64", "--seed", "3",
            "--Sampler.Steps", "1", "--Sampler.Steps", "2", "--Sampler.Steps", "3", "--Sampler.Steps", "4");
        Assert.True(code == 0, error);
        var sweepFile = Directory.GetFiles(run, "eval-sweep-*.json").Single();
        using var sweep = JsonDocument.Parse(File.ReadAllText(sweepFile));
        var expected = sweep.RootElement.GetProperty("points").EnumerateArray()
            .Select(p => (Steps: p.GetProperty("settings").GetProperty("Sampler.Steps").GetString(), Value: p.GetProperty("value").GetDouble())).ToList();
        Assert.Equal(["1", "2", "3", "4"], expected.Select(p => p.Steps));
        var runId = Path.GetFileName(run);
        var id = $"{runId}.{Path.GetFileNameWithoutExtension(sweepFile)}";
        Assert.Contains($"as the sweep sit-moons/{runId}/{Path.GetFileNameWithoutExtension(sweepFile)}", output);

        void AssertFiled()
        {
            using var index = RunStore.Open(runs);
            var card = Assert.Single(index.ListSweeps(), s => s.Id == id);
            using var config = JsonDocument.Parse(card.ConfigJson!);
            Assert.Equal(sweep.RootElement.GetProperty("objective").GetString(), config.RootElement.GetProperty("metric").GetString());
            Assert.Equal("minimize", config.RootElement.GetProperty("goal").GetString());
            var trials = index.ListTrials(id);
            Assert.Equal(expected, trials.Select(t => (Steps: (string?)t.Parameters["Sampler.Steps"], Value: t.Value!.Value)));
            Assert.All(trials, t => Assert.Equal(runId, t.RunId));
            Assert.NotNull(index.GetRun(runId)); // the trials link to a run the index holds
        }
        AssertFiled();

        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(RunLayout.IndexPath(runs) + suffix);
        RunStore.Rebuild(runs);
        AssertFiled();

        await using (var dashboard = await DashboardServer.StartAsync(new DashboardOptions(runs)))
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            var listed = JsonNode.Parse(await http.GetStringAsync(new Uri(dashboard.Url, "api/sweeps")))!.AsArray();
            var view = Assert.Single(listed, s => (string)s!["id"]! == id)!;
            Assert.Equal((4, 0), ((int)view["trials"]!, (int)view["runs"]!));
            var detail = JsonNode.Parse(await http.GetStringAsync(new Uri(dashboard.Url, "api/sweeps/" + Uri.EscapeDataString(id))))!;
            Assert.Equal(expected, detail["trials"]!.AsArray().Select(t => (Steps: (string?)t!["parameters"]!["Sampler.Steps"], Value: (double)t["value"]!)));
            Assert.All(detail["trials"]!.AsArray(), t => Assert.Equal(runId, (string)t!["runId"]!));
        }

        File.Delete(sweepFile);
        RunStore.Rebuild(runs);
        using (var index = RunStore.Open(runs))
        {
            Assert.DoesNotContain(index.ListSweeps(), s => s.Id == id);
            Assert.Empty(index.ListTrials(id));
        }
    }

    /// <summary>
    /// A W&amp;B sweep file over eval settings: random search proposes run_cap points inside the file's laws, the file's
    /// metric picks the best; bayes without a budget and a file parameter repeated on the command line are exit 2.
    /// </summary>
    [Fact]
    public void SweepFileProposesEvalSettingsWithinItsLaws()
    {
        var run = Train("sit-moons", "--TrainSteps", "20", "--Network.NumClasses", "2");
        var file = Path.Combine(runs, "eval-sweep.yaml");
        File.WriteAllText(file, """
            method: random
            metric: {name: eval/mmd2, goal: minimize}
            run_cap: 3
            parameters:
              GuidanceScale: {distribution: uniform, min: 1, max: 3}
              Sampler.Steps: {values: [2, 4]}
            """);
        var (code, output, error) = Run("eval", run, "--sweep", "--file", file, "--samples", "64", "--seed", "1");
        Assert.True(code == 0, error);
        Assert.Contains("eval/mmd2 (lower is better)", output);
        using var sweep = JsonDocument.Parse(File.ReadAllText(Directory.GetFiles(run, "eval-sweep-*.json").Single()));
        var points = sweep.RootElement.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(3, points.Count);
        foreach (var point in points)
        {
            var settings = point.GetProperty("settings");
            Assert.InRange(double.Parse(settings.GetProperty("GuidanceScale").GetString()!, System.Globalization.CultureInfo.InvariantCulture), 1, 3);
            Assert.Contains(settings.GetProperty("Sampler.Steps").GetString(), new[] { "2", "4" });
        }
        Assert.Equal("eval/mmd2", sweep.RootElement.GetProperty("objective").GetString());
        Assert.Equal(points.Min(p => p.GetProperty("value").GetDouble()), sweep.RootElement.GetProperty("best").GetProperty("value").GetDouble());

        File.WriteAllText(file, "method: bayes\nmetric: {name: eval/swd, goal: minimize}\nparameters:\n  GuidanceScale: {min: 1.0, max: 3.0}\n");
        var (budget, _, budgetError) = Run("eval", run, "--sweep", "--file", file);
        Assert.Equal(2, budget);
        Assert.Contains("needs a budget", budgetError);
        var (both, _, bothError) = Run("eval", run, "--sweep", "--file", file, "--trials", "2", "--GuidanceScale", "2");
        Assert.Equal(2, both);
        Assert.Contains("--GuidanceScale is a parameter of", bothError);
    }

    /// <summary>
    /// <c>--Ema.Std σ</c> samples the post-hoc EMA reconstructed from the run's phema/ snapshots: one stored profile
    /// (σ_rel 0.05) holding the checkpoint's online weights comes back exactly, so its numbers equal <c>--ema online</c>'s
    /// and differ from the default EMA track's; without snapshots, or with a σ_rel out of range, it is exit 2.
    /// </summary>
    [Fact]
    public void EmaStdSamplesThePostHocReconstruction()
    {
        var run = Train("sit-moons", "--TrainSteps", "20", "--Network.NumClasses", "2");
        var (none, _, noneError) = Run("eval", run, "--Ema.Std", "0.05");
        Assert.Equal(2, none);
        Assert.Contains("no post-hoc EMA snapshots", noneError);

        var plan = Overrides.Plan(ExperimentCatalog.All.Single(e => e.Name == "sit-moons"), RecordedRun.Read(run).OverrideArguments);
        var network = Trainer.TrainedModule(plan.Model);
        var tracks = plan.Trainer.CheckpointedEma.Select(options => new EmaTrack(network, options)).ToArray();
        Assert.True(new CheckpointStore(CheckpointStore.FolderOf(run), warn: _ => { }).TryLoadLatest(new TrainingCheckpoint(network, tracks).Read, out _, out _));
        using (var profile = new EmaTrack(network, new EmaOptions { PowerStd = 0.05 }))   // a copy of the online weights
            PostHocEmaSnapshots.Write(new RunLayout(run).PostHocEma, 20, [profile]);
        foreach (var track in tracks) track.Dispose();

        string[] common = ["eval", run, "--samples", "128", "--seed", "4", "--Sampler.Steps", "4"];
        var (code, output, error) = Run([.. common, "--Ema.Std", "0.05"]);
        Assert.True(code == 0, error);
        Assert.Contains("weights phema_0.05", output);
        var (_, online, _) = Run([.. common, "--ema", "online"]);
        var (_, emaTrack, _) = Run(common);
        double Swd(string o) => Metric(Written(o), "eval/swd").GetProperty("value").GetDouble();
        Assert.Equal(Swd(online), Swd(output));
        Assert.NotEqual(Swd(emaTrack), Swd(output));

        var (range, _, rangeError) = Run([.. common, "--Ema.Std", "0.5"]);
        Assert.Equal(2, range);
        Assert.Contains("σ_rel must lie in (0, 1/√12", rangeError);
    }

    /// <summary>A bad value, an unknown key, a setting of the trained model and a repeated key without --sweep are exit 2 naming the valid choices.</summary>
    [Fact]
    public void BadEvalSettingsExitTwoWithTheValidChoices()
    {
        var run = Train("sit-moons", "--TrainSteps", "5");
        var (model, _, modelError) = Run("eval", run, "--Network.Hidden", "8");
        Assert.Equal(2, model);
        Assert.Contains("--Network.Hidden changes the trained model", modelError);
        Assert.Contains("--Sampler.Steps", modelError);
        Assert.Contains("--GuidanceMin", modelError);

        var (unknown, _, unknownError) = Run("eval", run, "--Sampler.Step", "4");
        Assert.Equal(2, unknown);
        Assert.Contains("Settings eval may change: --Sampler.Steps", unknownError);

        var (number, _, numberError) = Run("eval", run, "--GuidanceScale", "lots");
        Assert.Equal(2, number);
        Assert.Contains("lots", numberError);

        var (steps, _, stepsError) = Run("eval", run, "--Sampler.Steps", "0");
        Assert.Equal(2, steps);
        Assert.Contains("at least one step", stepsError);

        var (interval, _, intervalError) = Run("eval", run, "--GuidanceMin", "0.9", "--GuidanceMax", "0.1");
        Assert.Equal(2, interval);
        Assert.Contains("GuidanceMin 0.9 must be ≤ GuidanceMax 0.1", intervalError);

        var (twice, _, twiceError) = Run("eval", run, "--Sampler.Steps", "2", "--Sampler.Steps", "4");
        Assert.Equal(2, twice);
        Assert.Contains("add --sweep", twiceError);

        var (ema, _, emaError) = Run("eval", run, "--ema", "ema_0.5");
        Assert.Equal(2, ema);
        Assert.Contains("Choices: ema_0.9999, online", emaError);

        var (guide, _, guideError) = Run("eval", run, "--GuidanceScale", "2", "--Guide", Path.Combine(runs, "nothing"));
        Assert.Equal(2, guide);
        Assert.Contains("not a run folder", guideError);
        Assert.Empty(Directory.GetFiles(run, "eval-*.json"));
    }
    /// <summary>
    /// <c>eval RUN-DIR --best</c> on a torn sweep record (a crash mid-write, a hand edit) is exit 2 naming the file, not
    /// a stack trace; so is a record whose best point lacks its command.
    /// </summary>
    [Fact]
    public void BestOfATornSweepRecordExitsTwoNamingIt()
    {
        var run = Train("sit-moons", "--TrainSteps", "5");
        var torn = Path.Combine(run, RunLayout.EvalSweepFilePrefix + "torn.json");
        File.WriteAllText(torn, "{\"objective\": \"eval/swd\", \"points\": [");
        var (code, _, error) = Run("eval", run, "--best");
        Assert.Equal(2, code);
        Assert.Contains($"the sweep record {torn} is not readable", error);
        Assert.DoesNotContain("   at ", error);

        File.WriteAllText(torn, "{\"objective\": \"eval/swd\", \"points\": [], \"best\": {\"file\": \"x.json\"}}");
        var (partial, _, partialError) = Run("eval", run, "--best");
        Assert.Equal(2, partial);
        Assert.Contains($"the sweep record {torn} is not readable", partialError);
    }
}
