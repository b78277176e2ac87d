using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Research.Framework.Compute;
using Research.Framework.Data;
using Research.Framework.Evaluation;
using Research.Framework.Interfaces;
using Research.Framework.Experiments;
using Research.Framework.Runs;
using Research.Framework.Tracking;
using Research.Framework.Training;
using Research.Framework.Training.Checkpoints;
using Research.Framework.Training.PostHocEma;
using static TorchSharp.torch;

namespace Research.Framework.Commands;

/// <summary>
/// `eval RUN-DIR [--samples N] [--guidance w] [--seed s] [--ema NAME] [--Key value …] [--sweep] [--best]`: the
/// reference's standalone-eval mode, with every knob that does not change the trained model. It rebuilds the run's
/// plan from its config.json through the catalog (experiment name and overrides) with the eval settings applied on
/// top (the same typed <c>--Key value</c> settings `run` takes, limited to <see cref="EvalSettings"/>), restores the
/// newest valid checkpoint without training, samples with the chosen EMA track through the same
/// <see cref="SampleEvaluator"/> as training, prints each metric with its protocol and writes the numbers to
/// RUN-DIR/eval-&lt;seed&gt;-&lt;samples&gt;[-g&lt;w&gt;][-&lt;id&gt;].json next to a PNG (the id, a hash of the protocol, the
/// weights and the eval settings, appears once any of them is given, so every evaluation keeps its own file).
/// Everything random derives from the seed, so two invocations give the same numbers. <c>--sweep</c> evaluates the
/// grid that repeated settings give (<see cref="EvalSweep"/>); <c>--best</c> prints the winner of the newest one.
/// </summary>
internal static class EvaluateCommand
{
    public const string Usage = "eval RUN-DIR [--samples N] [--guidance w] [--seed s] [--ema NAME] [--Key value …] [--sweep [--file F] [--trials N]] [--best]";

    public static int Run(IReadOnlyList<IExperiment> catalog, IReadOnlyList<string> arguments, TextWriter output)
    {
        if (arguments is ["--help"])
        {
            output.WriteLine(Usage);
            output.WriteLine("  --samples N    samples to draw (default: the run's final sample count)");
            output.WriteLine("  --guidance w   guidance scale, the same as --GuidanceScale w (default: the run's)");
            output.WriteLine("  --seed s       seed of the sampling noise and the reference draws (default: the run's final-evaluation seed)");
            output.WriteLine("  --ema NAME     the weights to sample: an EMA track of the run (ema_0.999, …) or online (default: the first track)");
            output.WriteLine("  --Key value    a setting that changes how samples are drawn, not what was trained: " + EvalSettings.Description);
            output.WriteLine("  --Ema.Std σ    sample the post-hoc EMA of relative width σ, reconstructed from the run's phema/ snapshots (EDM2)");
            output.WriteLine("  --sweep        evaluate every combination of the values given to repeated settings (--Sampler.Steps 1 --Sampler.Steps 4 …)");
            output.WriteLine("  --file F       with --sweep: a W&B sweep file (grid, random or bayes = TPE) over eval settings, its metric e.g. eval/swd");
            output.WriteLine("  --trials N     with --sweep --file: at most N points (default: the file's run_cap)");
            output.WriteLine("  --best         after a sweep, or alone: print the newest sweep's best settings and the eval command that repeats it");
            return 0;
        }
        var request = EvalRequest.Parse(arguments);
        var (experiment, record) = RunConfig.Read("eval", request.RunDir, catalog);
        if (request.Best && !request.Sweep) return EvalSweep.PrintBest(request.RunDir, output);

        var settings = EvalSettings.Check(experiment, request.Settings);
        ExperimentPlan Plan(IReadOnlyList<KeyValuePair<string, string>> point) =>
            Overrides.Plan(experiment, [.. record.OverrideArguments, .. point.Where(s => s.Key != EvalSettings.EmaStd).SelectMany(s => new[] { "--" + s.Key, s.Value })]);
        var guides = new GuideCache();
        EvalResult Measure(IReadOnlyList<KeyValuePair<string, string>> point, ExperimentPlan plan) => Evaluate(experiment.Name, request, point, plan, guides, output);
        if (request.Sweep) EvalSweep.Run(request, experiment, settings, Plan, Measure, output);
        else
        {
            if (request.File is not null || request.Trials is not null) throw new UsageException("eval: --file and --trials describe a sweep; add --sweep.");
            var single = EvalSettings.Single(settings);
            Measure(single, Plan(single));
        }
        return 0;
    }

    /// <summary>One evaluation: the plan's model with the newest checkpoint's chosen weights, sampled and measured.</summary>
    static EvalResult Evaluate(string name, EvalRequest request, IReadOnlyList<KeyValuePair<string, string>> settings, ExperimentPlan plan, GuideCache guides, TextWriter output)
    {
        var runDir = request.RunDir;
        int count = request.Samples ?? plan.FinalSampleCount;
        double scale = plan.GuidanceScale;
        long noiseSeed = request.Seed ?? plan.Seeds.Final;

        IntraOpThreads.Apply(plan.Compute.ResolvedThreads);
        ModelPlacement.Place(plan.Model, plan.Compute.NetworkDType);
        // The checkpoint's weights, EMA tracks and random streams, read into the plan's model; no trainer, no optimizer.
        var network = Trainer.TrainedModule(plan.Model);
        var ema = plan.Trainer.CheckpointedEma.Select(options => new EmaTrack(network, options)).ToArray();
        using var tracks = new DisposeAll(ema);
        var checkpoint = new TrainingCheckpoint(network, ema) { RandomStreams = plan.Model.Random.All };
        var store = new CheckpointStore(CheckpointStore.FolderOf(runDir), warn: output.WriteLine);
        if (!store.TryLoadLatest(checkpoint.Read, out long step, out _))
            throw new UsageException($"eval: '{runDir}' has no readable checkpoint in {store.Folder}.");
        using var posthoc = PostHocTrack(network, runDir, settings, request.Ema);
        var sampling = posthoc is null ? ChooseWeights(ema, request.Ema) : [posthoc];
        var weights = SamplingWeights.Name(sampling);

        var guidance = GuidanceSampling.ResolveWith(plan, guides.Load);
        var evaluator = new SampleEvaluator(plan.Sampler, plan.Dataset, plan.ImageReference, guidance, plan.Guidance.GuideName);
        using var scope = NewDisposeScope();
        EvaluationReport report;
        using (SamplingWeights.Use(network, sampling))
        using (no_grad())
            report = evaluator.Evaluate(plan.Model, count, noiseSeed, scale);
        using (report)
        {
            var interval = plan.Guidance.Interval;
            output.WriteLine($"eval {name} {runDir}: checkpoint step {step}, weights {weights}, {count} samples, {plan.Sampler.GetType().Name} {plan.Sampler.Steps} steps, " +
                $"guidance {Text(scale)}" + (plan.Guidance.GuidanceMin is null && plan.Guidance.GuidanceMax is null ? "" : $" on [{Text(interval.Min)}, {Text(interval.Max)}]") +
                (plan.Guidance.HasGuideRun ? $" by the guide {plan.Guidance.Guide}" : "") + $", seed {noiseSeed}");
            if (!evaluator.Measures) output.WriteLine("no metrics for this data: the plan gives no image reference (extractor and statistics); samples only");
            EvaluationLog.Print(output, "eval", report);

            var protocolHash = report.Metrics.FirstOrDefault()?.Protocol.Hash() ?? "";
            var changed = settings.Count > 0 || request.Ema is not null;
            var id = changed ? Id(protocolHash, weights, settings) : null;
            var stem = Path.Combine(runDir, $"eval-{noiseSeed.ToString(CultureInfo.InvariantCulture)}-{count.ToString(CultureInfo.InvariantCulture)}"
                + (scale == 1.0 ? "" : "-g" + Text(scale)) + (id is null ? "" : "-" + id));
            var metrics = new JsonObject();
            foreach (var metric in report.Metrics) metrics[EvaluationLog.Key("eval", metric, scale)] = EvaluationLog.ToJson(metric);
            var command = request.Command(settings);
            var settingsJson = new JsonObject();
            foreach (var (key, value) in settings) settingsJson[key] = value;
            var result = new JsonObject
            {
                ["experiment"] = name,
                ["checkpoint_step"] = step,
                ["weights"] = weights,
                ["samples"] = count,
                ["guidance_scale"] = scale,
                ["seed"] = noiseSeed,
                ["metrics"] = metrics,
            };
            if (changed)
            {
                result["id"] = id;
                result["protocol_hash"] = protocolHash;
                result["settings"] = settingsJson;
                result["command"] = command;
            }
            File.WriteAllText(stem + ".json", result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            File.WriteAllBytes(stem + ".png", SamplePreviewHook.Render(report.Shown, report.Shown.shape[1..], report.Reference, report.Labels, report.ClassNames));
            output.WriteLine($"wrote {stem}.json and {stem}.png");
            // The metrics by their name without the guidance suffix, so a sweep over guidance compares like keys.
            var values = report.Metrics.GroupBy(m => EvaluationLog.Key("eval", m, 1.0)).ToDictionary(g => g.Key, g => g.First().Value);
            return new EvalResult(settings, stem + ".json", values, command);
        }
    }

    /// <summary>The post-hoc EMA reconstruction that <c>--Ema.Std σ</c> asks for (null without it); its problems are usage errors.</summary>
    static EmaTrack? PostHocTrack(nn.Module network, string runDir, IReadOnlyList<KeyValuePair<string, string>> settings, string? ema)
    {
        if (settings.FirstOrDefault(s => s.Key == EvalSettings.EmaStd) is not { Value: { } text }) return null;
        if (ema is not null) throw new UsageException($"eval: --ema {ema} and --{EvalSettings.EmaStd} {text} both choose the weights; give one.");
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var std))
            throw new UsageException($"eval: --{EvalSettings.EmaStd}: '{text}' is not a number (σ_rel, e.g. 0.05; at most {PowerFunction.MaxStd.ToString("G4", CultureInfo.InvariantCulture)}).");
        try
        {
            return PostHocReconstruction.Track(network, new RunLayout(runDir), std);
        }
        catch (ArgumentException error)
        {
            throw new UsageException($"eval: --{EvalSettings.EmaStd} {text}: {Overrides.OneLine(error)}");
        }
    }

    /// <summary>The EMA track named <paramref name="choice"/> (or the online weights); null keeps the first track.</summary>
    static IReadOnlyList<EmaTrack> ChooseWeights(IReadOnlyList<EmaTrack> ema, string? choice)
    {
        if (choice is null) return ema;
        if (choice == "online") return [];
        return ema.FirstOrDefault(t => t.Options.TrackName == choice) is { } track ? [track]
            : throw new UsageException($"eval: --ema: the run has no weights '{choice}'. Choices: {string.Join(", ", ema.Select(t => t.Options.TrackName).Append("online"))}.");
    }

    /// <summary>12 hex digits of SHA-256 over the protocol hash, the weights and the eval settings: one file per distinct evaluation.</summary>
    static string Id(string protocolHash, string weights, IEnumerable<KeyValuePair<string, string>> settings)
    {
        var text = string.Join("\n", settings.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}").Prepend(weights).Prepend(protocolHash));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];
    }

    static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// The frozen guide runs (<c>--Guide RUN-DIR</c>) of one eval command, each loaded once for every point that names it
    /// on the same device, dtype and interface: a sweep's points would otherwise each read its config and checkpoint.
    /// </summary>
    sealed class GuideCache
    {
        readonly Dictionary<(string Run, string Device, ScalarType DType, Type Interface), Interface> loaded = [];

        public Interface Load(string runDirectory, Interface model)
        {
            var key = (Path.GetFullPath(runDirectory), model.Device.ToString(), model.DType, model.GetType());
            if (!loaded.TryGetValue(key, out var guide)) loaded[key] = guide = GuidanceSampling.LoadGuide(runDirectory, model);
            return guide;
        }
    }

    /// <summary>Disposes the EMA tracks read for the evaluation.</summary>
    sealed class DisposeAll(IEnumerable<IDisposable> items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items) item.Dispose();
        }
    }
}

/// <summary>One evaluation's outcome: its settings, its file, its metrics (eval/swd, …, in the report's order) and the command that repeats it.</summary>
internal sealed record EvalResult(IReadOnlyList<KeyValuePair<string, string>> Settings, string File, IReadOnlyDictionary<string, double> Metrics, string Command)
{
    /// <summary>The sweep's objective for this point (set by the sweep).</summary>
    public double? Value { get; init; }
}
