using System.Globalization;
using Research.Framework.Sweeps;
using Research.Framework.Sweeps.Launchers;
using Research.Framework.Sweeps.Trials;
using Research.Framework.Sweeps.Workers;

namespace Research.Framework.Tests.Sweeps;

/// <summary>A strategy that proposes a fixed list of parameter sets in order, each once, skipping those some trial already has.</summary>
public sealed class ListStrategy(IReadOnlyList<IReadOnlyDictionary<string, string>> sets) : ISearchStrategy
{
    public IReadOnlyDictionary<string, string>? Suggest(SearchSpace space, IReadOnlyList<TrialRecord> trials, Random random) =>
        sets.FirstOrDefault(set => !trials.Any(t => t.Parameters.Count == set.Count && set.All(kv => t.Parameters.TryGetValue(kv.Key, out var v) && v == kv.Value)));
}

/// <summary>Prunes a trial once its newest intermediate value exceeds a threshold.</summary>
public sealed class ThresholdPruner(double threshold) : IPruner
{
    public bool ShouldPrune(TrialRecord trial, IReadOnlyList<TrialRecord> trials, SweepGoal goal) =>
        trial.Intermediate.Count > 0 && trial.Intermediate[^1].Value > threshold;
}

/// <summary>
/// A trial body without TorchSharp: <c>Steps</c> steps of <see cref="StepTime"/> each, reporting <c>X · step</c> at
/// every step and writing a "checkpoint" (the step) into its run folder after it, stopping with a checkpoint on the
/// token. A retry whose run folder has a checkpoint resumes after it and records <c>resumed-from</c>. A finished
/// trial drops a file in <c>completions/</c> (one per completion, for counting) and returns <c>X</c>.
/// </summary>
public sealed class FakeTrialRunner(string folder) : ITrialRunner
{
    public static readonly TimeSpan StepTime = TimeSpan.FromMilliseconds(100);

    public TrialOutcome Run(TrialContext context)
    {
        var x = double.Parse(context.Trial.Parameters["X"], CultureInfo.InvariantCulture);
        if (x < 0) throw new InvalidOperationException("negative X");
        var steps = int.Parse(context.Trial.Parameters.GetValueOrDefault("Steps", "10"), CultureInfo.InvariantCulture);
        var run = context.Trial.RunDirectory ?? Path.Combine(folder, "runs", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(run);
        context.RecordRunDirectory(run);
        var checkpoint = Path.Combine(run, "checkpoint");
        var step = 0;
        if (File.Exists(checkpoint))
        {
            step = int.Parse(File.ReadAllText(checkpoint), CultureInfo.InvariantCulture);
            File.WriteAllText(Path.Combine(run, "resumed-from"), step.ToString(CultureInfo.InvariantCulture));
        }
        while (step < steps)
        {
            if (context.Cancel.IsCancellationRequested)
            {
                Save(checkpoint, step);
                File.WriteAllText(Path.Combine(run, "stopped-at"), step.ToString(CultureInfo.InvariantCulture));
                return new TrialOutcome(null, Stopped: true);
            }
            context.Cancel.WaitHandle.WaitOne(StepTime);
            step++;
            Save(checkpoint, step);
            context.Report(step, x * step);
        }
        var completions = Path.Combine(folder, "completions");
        Directory.CreateDirectory(completions);
        File.WriteAllText(Path.Combine(completions, $"{context.Trial.Parameters["X"]}-{Guid.NewGuid():N}"), "");
        return new TrialOutcome(x, Stopped: false);
    }

    /// <summary>Writes the checkpoint atomically (a temp file renamed over it), as real checkpoints are, so a kill never leaves half a file.</summary>
    static void Save(string checkpoint, int step)
    {
        var temp = checkpoint + ".tmp";
        File.WriteAllText(temp, step.ToString(CultureInfo.InvariantCulture));
        File.Move(temp, checkpoint, overwrite: true);
    }
}

/// <summary>
/// The worker process of the multi-process tests (<c>sweep-fake-worker STORAGE SWEEP WORKER-ID FOLDER</c>): a real
/// <see cref="SweepWorker"/> with <see cref="FakeTrialRunner"/> trials on a sweep of five: two enqueued, three proposed.
/// </summary>
public static class FakeSweepWorker
{
    /// <summary>This test assembly as a program (through the dotnet host running the tests).</summary>
    public static ProgramCommand TestProgram => new(
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet", [typeof(FakeSweepWorker).Assembly.Location]);

    public static readonly TimeSpan Heartbeat = TimeSpan.FromMilliseconds(250);
    /// <summary>
    /// 48 heartbeats: long enough that a live worker's heartbeat thread, starved on 2 cores shared with the TorchSharp
    /// tests, is never taken for dead (which would fail its trial under it), short enough to keep the kill tests quick.
    /// </summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(12);

    public static IReadOnlyList<string> Xs => ["1", "2", "3", "4", "5"];

    public static SweepSearch Search => new(
        new SearchSpace([new SweepParameter("X", new Categorical(Xs))]),
        new ListStrategy([.. Xs.Skip(2).Select(x => Set(x))]),
        Pruner: null,
        [.. Xs.Take(2).Select(x => Set(x))],
        "fake sweep");

    static IReadOnlyDictionary<string, string> Set(string x) => new Dictionary<string, string> { ["X"] = x, ["Steps"] = "20" };

    public static int Run(string storage, string sweepName, string workerId, string folder)
    {
        using var store = TrialStores.Open(storage);
        var search = Search;
        var sweep = store.CreateSweep(sweepName, "fake", new SweepObjective("value"), search.Spec, search.Enqueued);
        var options = new SweepWorkerOptions { WorkerId = workerId, HeartbeatInterval = Heartbeat, GracePeriod = Grace, PollInterval = Heartbeat, MaxRetries = 2 };
        var ran = new SweepWorker(store, sweep, search, new FakeTrialRunner(folder), options, Console.Out).Run();
        Console.WriteLine($"{workerId} ran {ran} trial(s)");
        return 0;
    }
}
