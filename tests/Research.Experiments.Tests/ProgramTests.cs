using Research.Experiments.Toy;
using Research.Framework.Data;
using Xunit;

namespace Research.Experiments.Tests;

public sealed class ProgramTests : IDisposable
{
    readonly string runs = Directory.CreateTempSubdirectory("runs-").FullName;

    public void Dispose() => Directory.Delete(runs, recursive: true);

    internal static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void ListNamesEveryExperiment()
    {
        var (code, output, _) = Run("list");
        Assert.Equal(0, code);
        foreach (var name in new[] { "sit-checkerboard", "edm-checkerboard", "meanflow-checkerboard", "sit-moons-sde", "ddpm-checkerboard", "dit-fashion-mnist", "meanflow-fashion-mnist", "repa-fashion-mnist", "dit-imagefolder", "sit-latent-imagefolder" })
            Assert.Contains(name, output);
    }

    /// <summary>Each shipped experiment runs end to end with tiny settings and leaves a complete run folder.</summary>
    [Theory]
    [InlineData("sit-checkerboard")]
    [InlineData("edm-checkerboard")]
    [InlineData("meanflow-checkerboard")]
    [InlineData("sit-moons-sde")]
    [InlineData("ddpm-checkerboard")]
    [InlineData("trigflow-checkerboard")]
    [InlineData("sct-checkerboard")]
    public void ExperimentsRunEndToEnd(string name)
    {
        var (code, output, error) = Run("run", name, "--runs-dir", runs, "--Steps", "20", "--LogEvery", "10", "--PreviewEvery=10",
            "--Evaluate.Every", "10", "--Evaluate.Samples", "64", "--SampleCount", "256", "--Network.Hidden", "32", "--Network.Depth", "1", "--Sampler.Steps", name == "sit-moons-sde" ? "20" : "4");

        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        var run = Directory.GetDirectories(Path.Combine(runs, name)).Single();
        foreach (var file in new[] { "config.json", "metrics.jsonl", "summary.json", "samples.npy", "media/samples_00000010.png", "media/final_samples_00000020.png", "media/eval_samples_00000010.png", "checkpoints/step-00000020.ckpt", "protocols.json" })
            Assert.True(File.Exists(Path.Combine(run, file)), $"{file} missing in {run}");
        var (shape, values) = NpyFile.ReadFloat32(Path.Combine(run, "samples.npy"));
        Assert.Equal(new long[] { 256, 2 }, shape);
        Assert.All(values, v => Assert.True(float.IsFinite(v)));
        var config = File.ReadAllText(Path.Combine(run, "config.json"));
        Assert.Contains("\"Steps\": 20,", config);   // numbers and booleans as JSON numbers and booleans
        Assert.Contains("\"Network.Hidden\": 32,", config);
        Assert.Contains("\"overrides\"", config);
        using (var recorded = System.Text.Json.JsonDocument.Parse(config))
        {
            var steps = recorded.RootElement.GetProperty("diff_from_defaults").GetProperty("Steps");
            Assert.Equal((4000, 20), (steps.GetProperty("default").GetInt64(), steps.GetProperty("value").GetInt64()));
            Assert.False(recorded.RootElement.GetProperty("diff_from_defaults").TryGetProperty("BatchSize", out _)); // unchanged settings are not listed
        }
        var summary = File.ReadAllText(Path.Combine(run, "summary.json"));
        foreach (var key in new[] { "final/swd", "final/swd_noise", "final/mmd2", "final/mmd2_noise", "eval/swd", "eval/mmd2_noise" })
            Assert.Contains($"\"{key}\"", summary);
        // the periodic evaluation is in the history at its steps, and every key has its protocol
        var evalSteps = File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .Where(e => e.TryGetProperty("eval/swd", out _)).Select(e => e.GetProperty("_step").GetDouble());
        Assert.Equal([10.0, 20.0], evalSteps);
        using var protocols = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "protocols.json")));
        Assert.Equal("64", protocols.RootElement.GetProperty("eval/swd").GetProperty("protocol").GetProperty("Samples").GetString());
        Assert.Equal("256", protocols.RootElement.GetProperty("final/mmd2").GetProperty("protocol").GetProperty("Samples").GetString());
        Assert.True(protocols.RootElement.GetProperty("final/mmd2").GetProperty("preview").GetBoolean());
        // log.txt: training, each periodic evaluation and the final sampling report their progress with an ETA.
        var log = File.ReadAllText(Path.Combine(run, "log.txt"));
        Assert.Matches(@"step 20/20 \(100%\)  loss \S+  \S+ it/s  elapsed \d+:\d\d  eta done", log);
        Assert.Matches(@"eval_samples at step 10, sampler step (\d+)/\1 \(100%\)  batch 1/1  elapsed \d+:\d\d  eta done", log);
        Assert.Matches(@"final sampling \(256 samples\), sampler step (\d+)/\1 \(100%\)  batch 1/1  elapsed \d+:\d\d  eta done", log);

        // The runs folder's index has the run, finished, with its metrics and summary (what the dashboard reads).
        using var store = Research.Framework.Tracking.RunIndex.RunStore.Open(runs);
        var stored = Assert.Single(store.ListRuns(new Research.Framework.Tracking.RunIndex.RunQuery { Experiment = name }));
        Assert.Equal((Path.GetFileName(run), $"{name}/{Path.GetFileName(run)}", Research.Framework.Tracking.RunIndex.RunStatus.Finished, (int?)0),
            (stored.Id, stored.RunDirectory, stored.Status, stored.ExitCode));
        Assert.Equal(config, stored.ConfigJson);
        Assert.Contains("final/swd_noise", stored.Summary.Keys);
        Assert.NotEmpty(store.MetricKeys([stored.Id]));
    }

    /// <summary>
    /// Each Fashion-MNIST experiment runs end to end with a tiny DiT or LightningDiT (hidden 32, depth 2, 2 heads, patch 4 on the
    /// 32×32-padded images) for a few steps and writes (16, 1, 32, 32) finite samples, a preview and a checkpoint.
    /// </summary>
    [Theory]
    [InlineData("dit-fashion-mnist")]
    [InlineData("meanflow-fashion-mnist")]
    [InlineData("lightningdit-fashion-mnist")]
    [InlineData("sct-fashion-mnist")]
    [InlineData("scd-fashion-mnist")]
    public void FashionMnistExperimentsRunEndToEnd(string name)
    {
        var (code, output, error) = Run("run", name, "--runs-dir", runs, "--Steps", "4", "--BatchSize", "8", "--LogEvery", "2", "--PreviewEvery", "0",
            "--PreviewCount", "4", "--SampleCount", "16", "--Evaluate.Every", "0", "--Network.HiddenSize", "32", "--Network.Depth", "2",
            "--Network.NumHeads", "2", "--Network.FrequencyEmbedSize", "32", "--Sampler.Steps", name == "dit-fashion-mnist" ? "2" : "1",
            "--Evaluate.ReferenceSteps", "5", "--Evaluate.CacheRoot", runs);

        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        var run = Directory.GetDirectories(Path.Combine(runs, name)).Single();
        foreach (var file in new[] { "config.json", "metrics.jsonl", "summary.json", "samples.npy", "media/final_samples_00000004.png", "checkpoints/step-00000004.ckpt" })
            Assert.True(File.Exists(Path.Combine(run, file)), $"{file} missing in {run}");
        var (shape, values) = NpyFile.ReadFloat32(Path.Combine(run, "samples.npy"));
        Assert.Equal(new long[] { 16, 1, 32, 32 }, shape);
        Assert.All(values, v => Assert.True(float.IsFinite(v)));
        var config = File.ReadAllText(Path.Combine(run, "config.json"));
        Assert.Contains("\"Network.NumClasses\": 10,", config);
        Assert.Contains("\"Dataset.PadTo32\": true", config);
        // Sample quality in the offline feature space (a 5-step feature net here: the numbers are real but not meaningful).
        var summary = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(Path.Combine(run, "summary.json")))!;
        var guidance = name is "dit-fashion-mnist" or "lightningdit-fashion-mnist" ? "_g2" : "";   // these sample with guidance 2, and their keys say so
        foreach (var key in new[] { "final/fd", "final/precision", "final/recall" }.Select(k => k + guidance))
            Assert.True(summary.TryGetValue(key, out var value) && double.IsFinite(value), $"{key} missing or not finite in summary.json: {string.Join(", ", summary.Keys)}");
        Assert.Contains("fmnist-cnn", File.ReadAllText(Path.Combine(run, "protocols.json")));
    }

    [Fact]
    public void RepaFashionMnistTrainsWithItsAlignmentLossAndCachesItsEncoder()
    {
        var (code, output, error) = Run("run", "repa-fashion-mnist", "--runs-dir", runs, "--Steps", "4", "--BatchSize", "8", "--LogEvery", "2", "--PreviewEvery", "0",
            "--PreviewCount", "4", "--SampleCount", "8", "--Network.HiddenSize", "32", "--Network.Depth", "2", "--Network.NumHeads", "2",
            "--Network.FrequencyEmbedSize", "32", "--Sampler.Steps", "2",
            "--Repa.Depth", "1", "--Repa.ProjectionDim", "16", "--Repa.EncoderSteps", "3", "--Repa.CacheRoot", runs,
            "--Evaluate.ReferenceSteps", "5", "--Evaluate.CacheRoot", runs);

        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        var encoder = Assert.Single(Directory.GetFiles(Path.Combine(runs, ".cache", "encoders"), "*.bin"));
        Assert.True(File.Exists(encoder + ".sha256"), "the cached encoder has its hash sidecar");
        var run = Directory.GetDirectories(Path.Combine(runs, "repa-fashion-mnist")).Single();
        var history = File.ReadAllText(Path.Combine(run, "metrics.jsonl"));
        Assert.Contains("\"train/repa_loss\"", history);
        Assert.Contains("\"train/diffusion_loss\"", history);
    }

    /// <summary>eval restores the newest checkpoint's EMA weights, prints each metric with its protocol, and repeats itself exactly.</summary>
    [Fact]
    public void EvalOfATinyRunPrintsMetricsAndIsDeterministic()
    {
        var (code, _, error) = Run("run", "sit-checkerboard", "--runs-dir", runs, "--Steps", "20", "--SampleCount", "256", "--Evaluate.Every", "0",
            "--Network.Hidden", "32", "--Network.Depth", "1", "--Sampler.Steps", "4");
        Assert.True(code == 0, error);
        var run = Directory.GetDirectories(Path.Combine(runs, "sit-checkerboard")).Single();

        var (first, output, error1) = Run("eval", run, "--samples", "128", "--seed", "5");
        Assert.True(first == 0, $"exit {first}: {error1}\n{output}");
        var json = Path.Combine(run, "eval-5-128.json");
        var firstNumbers = File.ReadAllText(json);
        var (second, output2, error2) = Run("eval", run, "--samples=128", "--seed=5");
        Assert.True(second == 0, error2);

        Assert.Contains("checkpoint step 20", output);
        foreach (var key in new[] { "eval/swd ", "eval/swd_noise", "eval/mmd2 ", "eval/mmd2_noise" }) Assert.Contains(key, output);
        Assert.Contains("protocol Extractor=raw-2d", output);
        Assert.Contains("Samples=128", output);
        Assert.Contains("Seed=5", output);
        Assert.Equal(output, output2);
        Assert.Equal(firstNumbers, File.ReadAllText(json));
        Assert.True(File.Exists(Path.Combine(run, "eval-5-128.png")));
        using var document = System.Text.Json.JsonDocument.Parse(firstNumbers);
        var swd = document.RootElement.GetProperty("metrics").GetProperty("eval/swd");
        Assert.True(double.IsFinite(swd.GetProperty("value").GetDouble()));
        Assert.Equal(20, document.RootElement.GetProperty("checkpoint_step").GetInt64());
        Assert.Equal(64, swd.GetProperty("protocol_hash").GetString()!.Length);

        var (other, output3, _) = Run("eval", run, "--samples", "128", "--seed", "6");
        Assert.Equal(0, other);
        Assert.NotEqual(output, output3);
    }

    /// <summary>eval --Ema.Std samples with the post-hoc EMA reconstructed from the run's snapshots; bad values and runs without snapshots are exit 2.</summary>
    [Fact]
    public void EvalWithEmaStdUsesThePostHocEma()
    {
        var (code, _, error) = Run("run", "sit-checkerboard", "--runs-dir", runs, "--Steps", "20", "--SampleCount", "256", "--Evaluate.Every", "0",
            "--Network.Hidden", "32", "--Network.Depth", "1", "--Sampler.Steps", "4", "--PostHocEmaEvery", "10");
        Assert.True(code == 0, error);
        var run = Directory.GetDirectories(Path.Combine(runs, "sit-checkerboard")).Single();
        Assert.Equal(4, Directory.GetFiles(Path.Combine(run, "phema"), "*.bin").Length);   // steps 10 and 20, σ_rel 0.05 and 0.10

        var (eval, output, evalError) = Run("eval", run, "--samples", "128", "--seed", "5", "--Ema.Std", "0.07");
        Assert.True(eval == 0, $"exit {eval}: {evalError}\n{output}");
        Assert.Contains("weights phema_0.07", output);
        // A changed weight choice gets its own result file (named by the protocol, weights and settings) that says which weights it sampled.
        var result = Directory.GetFiles(run, "eval-5-128-*.json").Single();
        Assert.Equal("phema_0.07", System.Text.Json.JsonDocument.Parse(File.ReadAllText(result)).RootElement.GetProperty("weights").GetString());

        var (wide, _, wideError) = Run("eval", run, "--Ema.Std", "0.5");
        Assert.Equal(2, wide);
        Assert.Contains("--Ema.Std 0.5", wideError);   // names the setting and the value it refuses
    }

    [Fact]
    public void AValueAComponentRejectsIsAUsageErrorThatNamesIt()
    {
        var (code, _, error) = Run("run", "sit-checkerboard", "--runs-dir", runs, "--Evaluate.GuidanceScales", "1,lots");
        Assert.Equal(2, code);
        Assert.Contains("'lots' in \"1,lots\" is not a number", error);
        var (beta, _, betaError) = Run("run", "sit-checkerboard", "--runs-dir", runs, "--Optimizer.Beta1", "1.5");
        Assert.Equal(2, beta);
        Assert.Contains("Beta1 must be in [0, 1)", betaError);
        Assert.False(Directory.Exists(Path.Combine(runs, "sit-checkerboard")), "a rejected configuration starts no run");
    }

    [Fact]
    public void EvalOfSomethingThatIsNotARunFolderIsAUsageError()
    {
        var (code, _, error) = Run("eval", runs);
        Assert.Equal(2, code);
        Assert.Contains("is not a run folder (it has no config.json)", error);
        var (missing, _, noFolder) = Run("eval");
        Assert.Equal(2, missing);
        Assert.Contains("give a run folder", noFolder);
        var (bad, _, badSamples) = Run("eval", runs, "--samples", "many");
        Assert.Equal(2, bad);
        Assert.Contains("--samples: 'many'", badSamples);
    }

    [Fact]
    public void EvalOfARunWithoutACheckpointIsAUsageError()
    {
        var run = Path.Combine(runs, "sit-checkerboard", "empty");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "config.json"), """{ "experiment": "sit-checkerboard", "overrides": { "Network.Hidden": "16" } }""");
        var (code, _, error) = Run("eval", run);
        Assert.Equal(2, code);
        Assert.Contains("has no readable checkpoint", error);
    }

    [Fact]
    public void AnUnknownExperimentListsTheExperiments()
    {
        var (code, _, error) = Run("run", "sit-checkerbord");
        Assert.Equal(2, code);
        Assert.Contains("sit-checkerboard", error);
    }

    [Fact]
    public void AnUnknownKeyListsTheKeysClosestFirst()
    {
        var (code, _, error) = Run("run", "sit-checkerboard", "--runs-dir", runs, "--LearningRat", "3e-4");
        Assert.Equal(2, code);
        Assert.Contains("Valid settings: --LearningRate,", error);
    }

    [Fact]
    public void AnUnparsableValueNamesKeyValueAndType()
    {
        var (code, _, error) = Run("run", "sit-checkerboard", "--runs-dir", runs, "--Steps", "many");
        Assert.Equal(2, code);
        Assert.Contains("--Steps: 'many' is not a valid Int64", error);
    }

    [Fact]
    public void HelpListsEachKeyWithTypeAndDefault()
    {
        var (code, output, _) = Run("run", "sit-checkerboard", "--help");
        Assert.Equal(0, code);
        Assert.Contains("--LearningRate", output);
        Assert.Contains("Double", output);
        Assert.Contains("0.001", output);
    }

    [Fact]
    public void ARunResumesFromItsNewestCheckpoint()
    {
        var (code, _, error) = Run("run", "sit-checkerboard", "--runs-dir", runs, "--Steps", "10", "--SampleCount", "64", "--Network.Hidden", "16", "--Network.Depth", "1", "--Sampler.Steps", "2");
        Assert.True(code == 0, error);
        var run = Directory.GetDirectories(Path.Combine(runs, "sit-checkerboard")).Single();

        var (again, output, error2) = Run("run", "sit-checkerboard", "--resume", run, "--allow-change", "Steps", "--Steps", "20", "--SampleCount", "64", "--Network.Hidden", "16", "--Network.Depth", "1", "--Sampler.Steps", "2");

        Assert.True(again == 0, error2);
        Assert.Contains("resume", output);
        Assert.Single(Directory.GetDirectories(Path.Combine(runs, "sit-checkerboard")));
        Assert.True(File.Exists(Path.Combine(run, "checkpoints", "step-00000020.ckpt")));
        var steps = File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("_step").GetDouble()).ToArray();
        Assert.Equal(20, steps[^1]);
    }

    [Fact]
    public void ResumingSomethingThatIsNotARunFolderIsAUsageError()
    {
        var (code, _, error) = Run("run", "sit-checkerboard", "--resume", runs);
        Assert.Equal(2, code);
        Assert.Contains("not a run folder", error);
    }
}

public sealed class GeneratedCommandTests
{
    static (int Code, string Output, string Error) Run(params string[] args) => ProgramTests.Run(args);

    [Fact]
    public void ExplainShowsTheWiringAndMarksOverriddenValues()
    {
        var (code, output, error) = Run("explain", "edm-checkerboard", "--Sampler.Steps=8", "--Grid.Rho", "5");
        Assert.True(code == 0, error);
        Assert.Contains("EdmInterface(network, Interface.TimeDist, EdmOptions from Interface.*)", output);
        Assert.Contains("Heun(Sampler.*, KarrasGrid(Grid.*))", output);
        Assert.Contains("Sampler.Steps = 8 (default 32)", Squash(output));
        Assert.Contains("Interface.TMu = -1.2", Squash(output));
        Assert.Contains("Interface.TimeDist = LogNormal", Squash(output));
    }

    [Fact]
    public void ComponentKeysTakeTheirDefaultsFromAttributesAndMetadata()
    {
        var (_, output, _) = Run("explain", "sit-moons-sde");
        Assert.Contains("Grid.TStart = 0.999", Squash(output));
        Assert.Contains("Sampler.Steps = 250", Squash(output));
        Assert.Contains("Sampler.Coeff = LinearKl", Squash(output));
        Assert.Contains("Dataset.Noise = 0.1", Squash(output));
        var (_, meanflow, _) = Run("explain", "meanflow-checkerboard");
        Assert.Contains("Network.TakeDt = True", Squash(meanflow));
    }

    [Fact]
    public void AnEnumValueThatIsNotAMemberListsTheMembers()
    {
        var (code, _, error) = Run("explain", "sit-checkerboard", "--Interface.TimeDist", "gaussian");
        Assert.Equal(2, code);
        Assert.Contains("--Interface.TimeDist: 'gaussian' is not a valid TimeDist (one of Uniform, LogNormal, LogitNormal)", error);
    }

    [Fact]
    public void SweepDryRunPrintsThePlan()
    {
        var (code, output, error) = Run("sweep", "sit-checkerboard", "--dry-run");
        Assert.True(code == 0, error);
        Assert.Contains("sweep sit-checkerboard: 6 configuration(s)", output);
        Assert.Contains("axis LearningRate in {0.0001, 0.0003, 0.001}", output);
        Assert.Contains("axis EmaDecay in [0.99, 0.9999] (log)", output);
        Assert.Contains("[0] --BatchSize 128 --LearningRate 0.0001", output);
        Assert.Contains("[4] --LearningRate 0.0003", output);
        Assert.Contains("[5] (the defaults)", output);
    }

    [Fact]
    public void BenchCommandsStayReachable()
    {
        var (_, output, _) = Run("--help");
        foreach (var command in new[] { "bench-samplers", "bench-training", "encoder-fashion-mnist", "explain", "sweep", "eval RUN-DIR" })
            Assert.Contains(command, output);
    }

    /// <summary>The text with runs of spaces collapsed (explain aligns its columns to the longest key).</summary>
    static string Squash(string text) => System.Text.RegularExpressions.Regex.Replace(text, " {2,}", " ");

    [Fact]
    public void OptimizerEvaluateAndTrackerKeysReachTheTrainerThePlanAndTheRun()
    {
        var configuration = Toy.SitCheckerboard.Definition.Instance.Defaults();
        var overrides = Research.Framework.Experiments.Overrides.Apply("sit-checkerboard", configuration,
            ["--Optimizer.WeightDecay", "0.01", "--Optimizer.Schedule", "cosine", "--Optimizer.WarmupSteps", "10", "--Optimizer.MaxGradNorm", "1",
             "--Evaluate.Every", "50", "--Evaluate.GuidanceScales", "1,2", "--Tracker.Project", "flows", "--Tracker.TensorBoard", "true", "--Steps", "100"]);
        var plan = configuration.Plan(overrides);
        var optimizer = plan.Trainer.Optimizer;
        Assert.Equal((0.01, 1.0, 1e-3), (optimizer.WeightDecay, optimizer.MaxGradNorm!.Value, optimizer.LearningRate));
        var cosine = Assert.IsType<Research.Framework.Training.CosineSchedule>(optimizer.Schedule);
        Assert.Equal((10L, 100L), (cosine.WarmupSteps, cosine.TotalSteps));
        Assert.Equal([(50L, 1024, 1.0), (50L, 1024, 2.0)], plan.Evaluations.Select(e => (e.Every, e.Samples, e.GuidanceScale)));
        Assert.Equal(("flows", true), (plan.Tracking.Project, plan.Tracking.TensorBoard));
        Assert.Equal("null", configuration.Settings.Single(s => s.Key == "Network.NumClasses").Current());

        // The class defaults: the toy base class's [Evaluate(Every = 1000, Samples = 1024)], linear warm-up of min(200, steps).
        var defaults = Toy.SitCheckerboard.Definition.Instance.Defaults().Plan(new Dictionary<string, string>());
        Assert.Equal([(1000L, 1024, 1.0)], defaults.Evaluations.Select(e => (e.Every, e.Samples, e.GuidanceScale)));
        Assert.Equal(200, Assert.IsType<Research.Framework.Training.LinearWarmupSchedule>(defaults.Trainer.Optimizer.Schedule).WarmupSteps);
        Assert.Equal(0, defaults.Trainer.Optimizer.WeightDecay);
    }

    [Fact]
    public void TheSearchSpaceComesFromTheSweepMarkers()
    {
        var space = Toy.SitCheckerboard.Definition.Instance.Space.Parameters.ToDictionary(p => p.Key, p => p.Distribution);
        Assert.Equal(["0.0001", "0.0003", "0.001"], Assert.IsType<Research.Framework.Sweeps.Categorical>(space["LearningRate"]).Values);
        Assert.Equal(["128", "256"], Assert.IsType<Research.Framework.Sweeps.Categorical>(space["BatchSize"]).Values);
        Assert.Equal(new Research.Framework.Sweeps.LogUniformValues(0.99, 0.9999), space["EmaDecay"]);
    }

    [Fact]
    public void TheGeneratedCatalogListsTheExperimentsInNameOrder() =>
        Assert.Equal(["ddpm-checkerboard", "dit-fashion-mnist", "dit-fashion-mnist-full", "dit-imagefolder", "edm-checkerboard", "lightningdit-fashion-mnist", "meanflow-checkerboard", "meanflow-fashion-mnist",
            "meanflow-fashion-mnist-full", "repa-fashion-mnist", "repa-fashion-mnist-full", "scd-checkerboard", "scd-fashion-mnist", "scd-fashion-mnist-full", "sct-checkerboard", "sct-fashion-mnist", "sct-fashion-mnist-full", "sit-checkerboard", "sit-latent-imagefolder", "sit-moons", "sit-moons-sde", "trigflow-checkerboard"],
            ExperimentCatalog.All.Select(e => e.Name));
}

public sealed class GeneratedCompositionTests
{
    [Fact]
    public void TheGeneratedRegistrationsBuildThePlanFromAValidatedServiceProvider()
    {
        var configuration = Toy.EdmCheckerboard.Configuration.Defaults() with { Network_Hidden = 16, Sampler_Steps = 4 };
        using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(
            new Microsoft.Extensions.DependencyInjection.ServiceCollection().AddEdmCheckerboard(configuration),
            new Microsoft.Extensions.DependencyInjection.ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var plan = provider.EdmCheckerboardPlan(new Dictionary<string, string>());

        Assert.Equal("edm-checkerboard", plan.Name);
        Assert.IsType<Research.Framework.Interfaces.EdmInterface>(plan.Model);
        var sampler = Assert.IsType<Research.Framework.Samplers.Heun>(plan.Sampler);
        Assert.Equal(4, sampler.Steps);
        Assert.IsType<Research.Framework.Samplers.KarrasGrid>(sampler.Grid);
        Assert.Equal("16", plan.Config["Network.Hidden"]);
    }

    [Fact]
    public void TheSweepPlanIsTypedConfigurations()
    {
        var plan = Toy.SitCheckerboard.Definition.Sweep();
        Assert.Equal(6, plan.Count);
        Assert.Equal([1e-4, 3e-4, 1e-3], plan.Select(c => c.LearningRate).Distinct());
        Assert.Equal([128, 256], plan.Select(c => c.BatchSize).Distinct());
    }
}
