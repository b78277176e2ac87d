using Research.Framework.Compute;
using Research.Framework.Data;
using Research.Framework.Distributed;
using Research.Framework.Evaluation;
using Research.Framework.Text;
using Research.Framework.Experiments;
using Research.Framework.Networks.StateDicts;
using Research.Framework.Progress;
using Research.Framework.Samplers;
using Research.Framework.Tracking;
using Research.Framework.Tracking.RunIndex;
using Research.Framework.Tracking.Wandb;
using Research.Framework.Training;
using Research.Framework.Training.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Runs;

/// <summary>What a run produced.</summary>
public sealed record RunResult(RunDirectory Directory, TrainingResult Training, IReadOnlyDictionary<string, double> Summary);

/// <summary>
/// Runs a plan end to end: config.json, training with previews and checkpoints, then final samples from the EMA
/// model (samples.npy and a PNG) and their quality against fresh data, all tracked in the run folder; the plan's
/// <see cref="ExperimentPlan.Evaluations"/> run periodically on the EMA model during training.
/// A crash leaves the last checkpoint and every metric logged so far; Ctrl-C (the token) stops after a checkpoint.
/// </summary>
public static class ExperimentRunner
{
    /// <summary>The key prefix of the final evaluation's numbers (the periodic ones use "eval").</summary>
    public const string FinalPrefix = "final";

    /// <summary>
    /// Runs <paramref name="plan"/> in a new folder under <paramref name="runsRoot"/>, or continues the run in
    /// <paramref name="resume"/> from its newest valid checkpoint (its config.json is kept). <paramref name="observe"/>,
    /// when given, is called once the folder exists and returns a tracker that sees every call the run's sinks see
    /// (a sweep worker forwards intermediate objective values to its trial store through it).
    /// In a <paramref name="world"/> of several processes (data-parallel training) every rank calls this: rank 0 creates
    /// and writes the run folder as a single process does, the others train beside it and write nothing.
    /// </summary>
    public static RunResult Run(ExperimentPlan plan, string runsRoot, TextWriter log, CancellationToken cancel = default, ResumeOptions? resume = null,
        Func<RunDirectory, ITracker>? observe = null, ICommunicator? world = null)
    {
        world ??= SingleProcess.Instance;
        var wandb = ReadWandbSettings(plan);   // before the folder exists: a bad WANDB_* value must leave nothing behind
        IntraOpThreads.Apply(plan.Compute.ResolvedThreads);
        ModelPlacement.Place(plan.Model, plan.Compute.NetworkDType);   // the network on the interface's device and dtype (bf16 weights under --Precision bf16), before any of it computes
        var guidance = GuidanceSampling.Resolve(plan);   // a --Guide run that cannot guide is exit 2 before the folder exists
        BatchMemory.Check(plan);   // a batch that cannot fit the memory is refused before the folder exists too
        if (plan.Preflight) Preflight.Check(plan, guidance);   // so does a sampler that cannot sample this model
        if (world.Rank != 0) return Follow(plan, resume, world, guidance, cancel);
        var initialWeights = resume is null ? StartFromFile(plan) : null;   // and a --Network.InitFrom that does not fit
        var run = resume is null ? RunDirectory.Create(runsRoot, plan.Name) : RunDirectory.Open(resume.Directory);
        using var writer = RunLock.Acquire(run.Path);   // held until the run's files are complete
        var layout = new RunLayout(run.Path);
        using var logFile = new StreamWriter(layout.Log, append: true) { AutoFlush = true };
        log = new TeeWriter(log, logFile);
        var config = resume is null ? run.WriteConfig(plan) : Continue(plan, run, resume, log);
        if (world.WorldSize > 1) RankText.Broadcast(world, run.Path);   // the other ranks read the checkpoints from the same folder
        log.WriteLine($"{(resume is null ? "run" : "resume")} {plan.Name} → {run.Path}");
        if (initialWeights is not null) log.WriteLine($"network weights from {initialWeights}");
        if (world.WorldSize > 1) log.WriteLine($"data parallel: {world.WorldSize} processes ({world.Description}), {plan.BatchSize / world.WorldSize} samples of each batch of {plan.BatchSize} per process");
        var model = plan.Model;
        var sampleShape = plan.Dataset.SampleShape;
        // The run store's index lives in the runs folder, the run folder's grandparent (also when resuming from elsewhere).
        using var tracker = Trackers.FromEnvironment(run.Path, config,
            new TrackerOptions
            {
                RunsFolder = RunStore.RunsFolderOf(run.Path),
                Filing = plan.Tracking,
                DefaultProject = plan.Name,
                ExtraSinks = plan.TrackerSinks,
                WandbSettings = wandb,
            });
        // The sinks' I/O (files, the SQLite index) runs off the training thread; the observer stays synchronous so a
        // sweep's pruning decision follows the report that triggered it.
        using var queued = new QueuedTracker(tracker);
        ITracker sink = observe is null ? queued : new CompositeTracker([queued, observe(run)]); // not disposed: it would dispose the run's sinks twice
        // One progress output for the run: training, periodic evaluations and the final samples draw their bars on the
        // console and write plain lines (with an ETA) to log.txt.
        var progress = ProgressOutput.ForConsole(logFile);
        using var training = RunTraining.Prepare(plan, run.Path, config, sink, progress, guidance, world);
        var trainer = training.Trainer;
        try
        {
            var trained = trainer.Run(cancel);
            foreach (var (key, value) in trained.LastMetrics) sink.SetSummary(key, value);
            if (!trained.Cancelled) Evaluate(plan, trainer, training.Evaluator, run, sink, log, progress);
            world.Barrier();   // the other ranks wait for the final evaluation
            sink.Finish(trained.Cancelled ? RunStatuses.StoppedExitCode : 0);
            File.Delete(layout.Error);   // a resume that finishes (or stops cleanly) clears an earlier failure's error
            return new RunResult(run, trained, ReadSummary(tracker.Sinks.OfType<JsonlTracker>().Single()));
        }
        catch (Exception error)
        {
            // The run page shows error.txt; on a full disk it may not fit, and the original error must still surface.
            try
            {
                File.WriteAllText(layout.Error, error.ToString());
                logFile.WriteLine(error.ToString());
            }
            catch (IOException) { }
            sink.Finish(1);
            throw;
        }
    }

    /// <summary>
    /// Loads the weights file the network's options name (<c>--Network.InitFrom</c>) into a new run's network, before the
    /// trainer copies them into its EMA tracks; returns the file's description or null. A file that does not fit is an
    /// <see cref="InvalidSettingException"/> (exit 2).
    /// </summary>
    static string? StartFromFile(ExperimentPlan plan)
    {
        try { return InitialWeights.Apply(plan.Model.Network); }
        catch (ArgumentException invalid) { throw new InvalidSettingException($"{plan.Name}: {Overrides.OneLine(invalid)}"); }
    }

    /// <summary>
    /// A rank other than 0 of a data-parallel run: the same loader, hooks and trainer as rank 0 (the trainer runs
    /// the hooks and writes checkpoints on rank 0 only), in the folder rank 0 announces, with no sink, no log and no
    /// console output; it waits while rank 0 evaluates the final samples.
    /// </summary>
    static RunResult Follow(ExperimentPlan plan, ResumeOptions? resume, ICommunicator world, SampleOptions guidance, CancellationToken cancel)
    {
        var run = RunDirectory.Open(RankText.Broadcast(world, null));
        if (resume is not null && Path.GetFullPath(resume.Directory) != Path.GetFullPath(run.Path))
            throw new RunFolderException($"rank {world.Rank} was asked to resume {resume.Directory} but rank 0 resumes {run.Path}.");
        var silent = new CompositeTracker([]);
        using var training = RunTraining.Prepare(plan, run.Path, "{}", silent, ProgressOutput.None, guidance, world);
        var trained = training.Trainer.Run(cancel);
        world.Barrier(System.Threading.Timeout.InfiniteTimeSpan);
        return new RunResult(run, trained, new Dictionary<string, double>());
    }

    /// <summary>
    /// Prepares a run folder to continue from its newest intact checkpoint: the record must be of this experiment,
    /// the history is cut back to the checkpoint's step (the run logs the rest again) and allowed changes are
    /// recorded; returns config.json's text. Without a loadable checkpoint the run is refused unless it may restart.
    /// </summary>
    static string Continue(ExperimentPlan plan, RunDirectory run, ResumeOptions resume, TextWriter log)
    {
        var record = RecordedRun.Read(run.Path).OfExperiment(plan.Name);
        long step = new CheckpointStore(CheckpointStore.FolderOf(run.Path)).LatestIntactStep();
        if (step < 0 && !resume.RestartWithoutCheckpoint)
            throw new RunFolderException($"no checkpoint in {CheckpointStore.FolderOf(run.Path)} loads, so {run.Path} cannot continue; restarting it in place " +
                $"would put two histories in one metrics.jsonl. Start a new run (run {plan.Name} with the same settings), or add --restart to start this one over.");
        int dropped = RunHistory.TruncateAfter(run.Path, Math.Max(step, 0));
        if (dropped > 0) log.WriteLine($"metrics.jsonl: {dropped} row(s) after step {Math.Max(step, 0)} removed; the run logs them again");
        var path = RecordedRun.PathIn(run.Path);
        RunHistory.TruncateIndexAfter(run.Path, File.ReadAllText(path), Math.Max(step, 0), log);
        if (resume.Changes.Count == 0) return File.ReadAllText(path);
        var text = ResumePlan.Record(record, resume.Changes, Math.Max(step, 0), plan.SettingTypes);
        File.WriteAllText(path, text);
        foreach (var change in resume.Changes) log.WriteLine($"change at step {Math.Max(step, 0)}: {change.Key} {change.From} → {change.To}");
        return text;
    }

    /// <summary>
    /// The final samples (samples.npy, a PNG) and their numbers through the same <see cref="SampleEvaluator"/> as the
    /// periodic evaluation, recorded as final/&lt;metric&gt; in the summary with their protocols in protocols.json.
    /// </summary>
    static void Evaluate(ExperimentPlan plan, Trainer trainer, SampleEvaluator evaluator, RunDirectory run, ITracker tracker, TextWriter log,
        ProgressOutput progress)
    {
        using var scope = NewDisposeScope();
        EvaluationReport report;
        using (trainer.UseSamplingWeights())
        using (no_grad())
            report = evaluator.Evaluate(plan.Model, plan.FinalSampleCount, plan.Seeds.Final, plan.GuidanceScale,
                progress: units => progress.Start($"final sampling ({plan.FinalSampleCount} samples), sampler step", units));
        using (report)
        {
            NpyFile.Write(Path.Combine(run.Path, "samples.npy"), report.Samples);
            EvaluationLog.Record(tracker, run.Path, FinalPrefix, report, plan.Trainer.Steps, "final_samples", logHistory: false);
            EvaluationLog.Print(log, FinalPrefix, report);
        }
    }

    /// <summary>Exact draws from a procedural 2-D set (null for other data).</summary>
    internal static Tensor? ReferenceSamples(IDataset dataset, long count, long seed)
    {
        if (dataset is not ISampledDataset sampled) return null;
        using var generator = new Generator(unchecked((ulong)seed), CPU);
        return sampled.Sample(count, generator).X.to_type(ScalarType.Float32);
    }

    static IReadOnlyDictionary<string, double> ReadSummary(JsonlTracker tracker) =>
        System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(tracker.SummaryPath)) ?? [];

    /// <summary>The run's W&amp;B settings from the environment; an unusable <c>WANDB_*</c> value is the user's to fix (exit 2).</summary>
    static WandbSettings ReadWandbSettings(ExperimentPlan plan)
    {
        try
        {
            return WandbSettings.FromEnvironment(filing: plan.Tracking, defaultProject: plan.Name);
        }
        catch (ArgumentException error)
        {
            throw new InvalidSettingException(error.Message);
        }
    }
}
