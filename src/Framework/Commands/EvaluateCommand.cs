using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Research.Framework.Compute;
using Research.Framework.Data;
using Research.Framework.Evaluation;
using Research.Framework.Experiments;
using Research.Framework.Runs;
using Research.Framework.Tracking;
using Research.Framework.Training;
using Research.Framework.Training.Checkpoints;
using static TorchSharp.torch;

namespace Research.Framework.Commands;

/// <summary>
/// `eval RUN-DIR [--samples N] [--guidance w] [--seed s]`: the reference's standalone-eval mode. It rebuilds the
/// run's plan from its config.json through the catalog (experiment name and overrides), restores the newest valid
/// checkpoint without training, samples with the EMA weights through the same <see cref="SampleEvaluator"/> as
/// training, prints each metric with its protocol and writes the numbers to RUN-DIR/eval-&lt;seed&gt;-&lt;samples&gt;.json
/// (with a -g&lt;w&gt; suffix for guided samples) next to a PNG. Everything random derives from the seed, so two
/// invocations give the same numbers.
/// </summary>
internal static class EvaluateCommand
{
    public const string Usage = "eval RUN-DIR [--samples N] [--guidance w] [--seed s]";

    public static int Run(IReadOnlyList<IExperiment> catalog, IReadOnlyList<string> arguments, TextWriter output)
    {
        if (arguments is ["--help"])
        {
            output.WriteLine(Usage);
            output.WriteLine("  --samples N    samples to draw (default: the run's final sample count)");
            output.WriteLine("  --guidance w   classifier-free guidance scale (default: the run's)");
            output.WriteLine("  --seed s       seed of the sampling noise and the reference draws (default: the run's final-evaluation seed)");
            return 0;
        }
        var (runDir, samples, guidance, seed) = Parse(arguments);
        var (experiment, record) = RunConfig.Read("eval", runDir, catalog);
        var name = experiment.Name;
        var plan = Overrides.Plan(experiment, record.OverrideArguments);
        int count = samples ?? plan.FinalSampleCount;
        double scale = guidance ?? plan.GuidanceScale;
        long noiseSeed = seed ?? plan.Seeds.Final;

        IntraOpThreads.Apply(plan.Compute.ResolvedThreads);
        ModelPlacement.Place(plan.Model, plan.Compute.NetworkDType);
        // The checkpoint's weights, EMA tracks and random streams, read into the plan's model; no trainer, no optimizer.
        var network = Trainer.TrainedModule(plan.Model);
        var ema = plan.Trainer.Ema.Select(options => new EmaTrack(network, options)).ToArray();
        using var tracks = new DisposeAll(ema);
        var checkpoint = new TrainingCheckpoint(network, ema) { RandomStreams = plan.Model.Random.All };
        var store = new CheckpointStore(CheckpointStore.FolderOf(runDir), warn: output.WriteLine);
        if (!store.TryLoadLatest(checkpoint.Read, out long step, out _))
            throw new UsageException($"eval: '{runDir}' has no readable checkpoint in {store.Folder}.");
        var weights = SamplingWeights.Name(ema);

        var evaluator = new SampleEvaluator(plan.Sampler, plan.Dataset, plan.ImageReference);
        using var scope = NewDisposeScope();
        EvaluationReport report;
        using (SamplingWeights.Use(network, ema))
        using (no_grad())
            report = evaluator.Evaluate(plan.Model, count, noiseSeed, scale);
        using (report)
        {
            output.WriteLine($"eval {name} {runDir}: checkpoint step {step}, weights {weights}, {count} samples, guidance {scale.ToString("R", CultureInfo.InvariantCulture)}, seed {noiseSeed}");
            if (!evaluator.Measures) output.WriteLine("no metrics for this data: the plan gives no image reference (extractor and statistics); samples only");
            EvaluationLog.Print(output, "eval", report);
            var stem = Path.Combine(runDir, $"eval-{noiseSeed.ToString(CultureInfo.InvariantCulture)}-{count.ToString(CultureInfo.InvariantCulture)}"
                + (scale == 1.0 ? "" : "-g" + scale.ToString("R", CultureInfo.InvariantCulture)));
            var metrics = new JsonObject();
            foreach (var metric in report.Metrics) metrics[EvaluationLog.Key("eval", metric, scale)] = EvaluationLog.ToJson(metric);
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
            File.WriteAllText(stem + ".json", result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            File.WriteAllBytes(stem + ".png", SamplePreviewHook.Render(report.Samples, plan.Dataset.SampleShape, report.Reference, report.Labels, report.ClassNames));
            output.WriteLine($"wrote {stem}.json and {stem}.png");
        }
        return 0;
    }

    static readonly CommandSyntax Syntax = new("eval", Usage, [new("--samples", "N"), new("--guidance", "w"), new("--seed", "s")],
        Positionals: 1, PositionalName: "run folder");

    static (string RunDir, int? Samples, double? Guidance, long? Seed) Parse(IReadOnlyList<string> arguments)
    {
        var parsed = ArgumentReader.Read(Syntax, arguments);
        var runDir = parsed.Positionals is [var folder] ? folder : throw new UsageException($"eval: give a run folder. Usage: {Usage}");
        int? samples = parsed["--samples"] is not { } n ? null
            : int.TryParse(n, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) && count >= 2 ? count
            : throw new UsageException($"eval: --samples: '{n}' is not a whole number of at least 2.");
        double? guidance = parsed["--guidance"] is not { } w ? null
            : double.TryParse(w, NumberStyles.Float, CultureInfo.InvariantCulture, out var scale) && double.IsFinite(scale) ? scale
            : throw new UsageException($"eval: --guidance: '{w}' is not a number.");
        long? seed = parsed["--seed"] is not { } s ? null
            : long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value
            : throw new UsageException($"eval: --seed: '{s}' is not a whole number.");
        return (runDir, samples, guidance, seed);
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
