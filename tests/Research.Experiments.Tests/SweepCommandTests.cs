using System.Text.Json.Nodes;
using Research.Framework.Sweeps;
using Research.Framework.Sweeps.Trials;
using Research.Framework.Tracking;
using Research.Framework.Tracking.RunIndex;
using Xunit;

namespace Research.Experiments.Tests;

/// <summary>
/// The <c>sweep</c> command on a shipped experiment: a real (tiny) sweep in this process on a SQLite store whose
/// trials are tracked runs of the sweep, resuming by running the same command again, the best trial's re-run command,
/// the Slurm and Kubernetes launchers, and usage errors.
/// </summary>
public sealed class SweepCommandTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("sweep-command-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>Settings that make a sit-checkerboard run take a second (20 steps, evaluated at 10 and 20).</summary>
    internal static readonly string[] Tiny = ["--Steps", "20", "--LogEvery", "10", "--PreviewEvery=10", "--Evaluate.Every", "10", "--Evaluate.Samples", "64", "--SampleCount", "256",
        "--Network.Hidden", "32", "--Network.Depth", "1", "--Sampler.Steps", "4"];

    string Store => Path.Combine(folder, "trials.db");

    string Runs => Path.Combine(folder, "runs");

    [Fact]
    public void ASweepRunsTrialsAsTrackedRunsResumesAndNamesItsBestTrial()
    {
        string[] sweep = ["sweep", "sit-checkerboard", "--storage", Store, "--runs-dir", Runs, "--trials", "2", .. Tiny];
        var (code, output, error) = ProgramTests.Run(sweep);
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");

        using var store = new SqliteTrialStore(Store);
        var study = store.FindSweep("sit-checkerboard")!;
        Assert.Equal(("sit-checkerboard", "final/swd", SweepGoal.Minimize), (study.Experiment, study.Objective.Metric, study.Objective.Goal));
        var trials = store.Trials(study.Id);
        // The [Sweep] grid (6 configurations) is enqueued; the budget of 2 ran the first two, the rest wait.
        Assert.Equal(6, trials.Count);
        Assert.Equal([TrialState.Complete, TrialState.Complete], trials.Take(2).Select(t => t.State));
        Assert.All(trials.Skip(2), t => Assert.Equal(TrialState.Waiting, t.State));
        Assert.Equal(new Dictionary<string, string> { ["BatchSize"] = "128", ["LearningRate"] = "0.0001" }, trials[0].Parameters);

        using var runs = RunStore.Open(Runs);
        Assert.Equal("sit-checkerboard", Assert.Single(runs.ListSweeps()).Id);
        var tracked = runs.ListRuns(new RunQuery { SweepId = "sit-checkerboard" });
        Assert.Equal(2, tracked.Count);
        foreach (var trial in trials.Take(2))
        {
            var config = JsonNode.Parse(File.ReadAllText(Path.Combine(trial.RunDirectory!, "config.json")))!;
            Assert.Equal("sit-checkerboard", (string?)config["sweep_id"]);
            Assert.Equal(trial.Parameters["LearningRate"], (string?)config["overrides"]!["LearningRate"]);
            var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(trial.RunDirectory!, "summary.json")))!;
            Assert.Equal((double)summary["final/swd"]!, trial.Value);
            // The periodic evaluation's eval/swd at steps 10 and 20 reached the trial; the summary keeps the last.
            Assert.Equal([10L, 20L], trial.Intermediate.Select(v => v.Step));
            Assert.Equal((double)summary["eval/swd"]!, trial.Intermediate[^1].Value);
            Assert.Contains(tracked, run => Path.GetFullPath(Path.Combine(Runs, run.RunDirectory!)) == trial.RunDirectory);
        }

        // The same command again resumes the sweep: the budget is spent, so nothing more runs.
        (code, output, error) = ProgramTests.Run(sweep);
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Equal(2, store.Trials(study.Id).Count(t => t.State == TrialState.Complete));

        (code, output, error) = ProgramTests.Run("sweep", "sit-checkerboard", "--storage", Store, "--best");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        var best = trials.Take(2).MinBy(t => t.Value)!;
        Assert.Contains($"best trial of sit-checkerboard: #{best.Number} final/swd = ", output);
        var rerun = $"run sit-checkerboard {string.Join(' ', Tiny)} --BatchSize {best.Parameters["BatchSize"]} --LearningRate {best.Parameters["LearningRate"]}";
        Assert.Contains(rerun, output);
    }

    [Fact]
    public void AWandbSweepFileDrivesTheSearchItsMetricAndItsRunCap()
    {
        var file = Path.Combine(folder, "sweep.yaml");
        File.WriteAllText(file, """
            method: random
            metric: {name: final/swd, goal: minimize}
            run_cap: 2
            parameters:
              learningrate: {distribution: log_uniform_values, min: 0.0001, max: 0.01}
              BatchSize: {values: [64, 128]}
            """);
        var (code, output, error) = ProgramTests.Run(["sweep", "sit-checkerboard", "--file", file, "--sweep-name", "from-file", "--storage", Store, "--runs-dir", Runs, .. Tiny]);
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");

        using var store = new SqliteTrialStore(Store);
        var study = store.FindSweep("from-file")!;
        var trials = store.Trials(study.Id);
        Assert.Equal(2, trials.Count); // run_cap
        Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
        foreach (var trial in trials)
        {
            // The key is spelled as the setting; the value drawn from the law is what the run was given.
            var rate = double.Parse(trial.Parameters["LearningRate"], System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(rate, 0.0001, 0.01);
            Assert.Contains(trial.Parameters["BatchSize"], new[] { "64", "128" });
            var config = JsonNode.Parse(File.ReadAllText(Path.Combine(trial.RunDirectory!, "config.json")))!;
            Assert.Equal(trial.Parameters["LearningRate"], (string?)config["overrides"]!["LearningRate"]);
        }
        Assert.Contains("log_uniform_values", study.Spec);
    }

    [Fact]
    public void ReusingASweepNameWithOtherSettingsIsRefusedWithTheDifferenceAndNewStartsAnother()
    {
        string[] first = ["sweep", "sit-checkerboard", "--trials", "1", "--storage", Store, "--runs-dir", Runs, .. Tiny];
        var (code, output, error) = ProgramTests.Run(first);
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");

        // Other overrides: refused, naming both values, before anything runs.
        string[] longer = ["sweep", "sit-checkerboard", "--trials", "1", "--storage", Store, "--runs-dir", Runs, .. Tiny.Select((a, i) => i > 0 && Tiny[i - 1] == "--Steps" ? "30" : a)];
        (code, _, error) = ProgramTests.Run(longer);
        Assert.Equal(2, code);
        Assert.Contains("was created with other settings", error);
        Assert.Contains("--Steps 20", error);
        Assert.Contains("--Steps 30", error);
        Assert.Contains("--new", error);

        // Another space (a sweep file): refused, naming the part that differs.
        var file = Path.Combine(folder, "rates.yaml");
        File.WriteAllText(file, "method: grid\nmetric: {name: final/swd, goal: minimize}\nparameters:\n  LearningRate: {values: [0.002]}\n");
        (code, _, error) = ProgramTests.Run(["sweep", "sit-checkerboard", "--file", file, "--trials", "1", "--storage", Store, "--runs-dir", Runs, .. Tiny]);
        Assert.Equal(2, code);
        Assert.Contains("search", error);

        // --new starts sit-checkerboard-2 with the new overrides; the first sweep is untouched.
        (code, output, error) = ProgramTests.Run([.. longer, "--new"]);
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        using var store = new SqliteTrialStore(Store);
        var second = store.FindSweep("sit-checkerboard-2")!;
        var trial = store.Trials(second.Id).First(t => t.State == TrialState.Complete);
        Assert.Equal(30, (int)JsonNode.Parse(File.ReadAllText(Path.Combine(trial.RunDirectory!, "config.json")))!["config"]!["Steps"]!);
        Assert.Single(store.Trials(store.FindSweep("sit-checkerboard")!.Id), t => t.State == TrialState.Complete);

        // The same settings again still resume (the budget is spent: nothing more runs).
        (code, output, error) = ProgramTests.Run(first);
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
    }

    [Fact]
    public void TheObjectivesDirectionCannotBeContradicted()
    {
        // TPE ranks trials in the file's direction, so --goal may not turn it around ...
        var file = Path.Combine(folder, "min.yaml");
        File.WriteAllText(file, "method: bayes\nmetric: {name: final/swd, goal: minimize}\nrun_cap: 1\nparameters:\n  LearningRate: {values: [0.001]}\n");
        var (code, _, error) = ProgramTests.Run(["sweep", "sit-checkerboard", "--file", file, "--goal", "maximize", "--storage", Store, "--runs-dir", Runs, .. Tiny]);
        Assert.Equal(2, code);
        Assert.Contains("--goal maximize contradicts the sweep file's goal (minimize)", error);

        // ... and a resumed sweep keeps the objective it was created with.
        var (created, output, createError) = ProgramTests.Run(["sweep", "sit-checkerboard", "--goal", "maximize", "--trials", "1", "--storage", Store, "--runs-dir", Runs, .. Tiny]);
        Assert.True(created == 0, $"exit {created}: {createError}\n{output}");
        var (resumed, _, resumeError) = ProgramTests.Run(["sweep", "sit-checkerboard", "--trials", "1", "--storage", Store, "--runs-dir", Runs, .. Tiny]);
        Assert.Equal(2, resumed);
        Assert.Contains("has the objective maximize final/swd, not minimize final/swd", resumeError);
    }

    [Fact]
    public void ADryRunOfASweepFilePrintsTheSearchAndRunsNothing()
    {
        var file = Path.Combine(folder, "bayes.yaml");
        File.WriteAllText(file, """
            method: bayes
            metric: {name: final/mmd2, goal: minimize, target: 0.001}
            run_cap: 12
            early_terminate: {type: hyperband, min_iter: 2, eta: 3}
            parameters:
              LearningRate: {distribution: log_uniform, min: -9.2, max: -4.6}
              Network.Hidden: {values: [32, 64]}
            """);
        var (code, output, error) = ProgramTests.Run(["sweep", "sit-checkerboard", "--file", file, "--dry-run", "--storage", Store, "--runs-dir", Runs]);
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Contains("sweep sit-checkerboard: TpeSearch, minimize final/mmd2 (stop at 0.001), budget 12, pruner HyperbandPruner", output);
        Assert.Contains("{\"distribution\":\"log_uniform\",\"min\":-9.2,\"max\":-4.6}", output);
        Assert.Contains("{\"distribution\":\"categorical\",\"values\":[32,64]}", output);
        Assert.False(File.Exists(Store), "a dry run creates no trial store");
        Assert.False(Directory.Exists(Path.Combine(Runs, "sit-checkerboard")), "a dry run starts no run");
    }

    [Fact]
    public void SlurmAndKubernetesLaunchersRunIdenticalWorkersAgainstTheStore()
    {
        var (code, output, error) = ProgramTests.Run("sweep", "sit-checkerboard", "--emit", "slurm", "--workers", "4", "--parallel", "2",
            "--storage", "postgresql://sweeper@db.cluster/sweeps", "--trials", "12", "--Steps", "100");
        Assert.True(code == 0, error);
        Assert.Contains("#SBATCH --array=0-3%2", output);
        Assert.Contains("#SBATCH --job-name=sweep-sit-checkerboard", output);
        Assert.Contains("sweep-worker sit-checkerboard --storage postgresql://sweeper@db.cluster/sweeps --runs-dir runs --trials 12 --Steps 100 --worker-id \"slurm-${SLURM_ARRAY_JOB_ID:-0}-${SLURM_ARRAY_TASK_ID}\"", output);
        Assert.DoesNotContain("SQLite", output);

        (code, output, error) = ProgramTests.Run("sweep", "sit-checkerboard", "--emit", "k8s", "--workers", "3", "--image", "registry/research:1",
            "--storage", "postgresql://sweeper@db.cluster/sweeps");
        Assert.True(code == 0, error);
        foreach (var line in new[] { "kind: Job", "completionMode: Indexed", "completions: 3", "parallelism: 3", "image: \"registry/research:1\"", "k8s-$JOB_COMPLETION_INDEX", "sweep-worker sit-checkerboard" })
            Assert.Contains(line, output);
    }

    [Theory]
    [InlineData("--emit pbs", "--emit takes slurm or k8s, not 'pbs'")]
    [InlineData("--emit k8s --image x", "--emit k8s: pods share no SQLite file")]
    [InlineData("--goal up --workers 1", "--goal takes minimize or maximize, not 'up'")]
    [InlineData("--workers 0", "--workers takes a whole number ≥ 1, not '0'")]
    [InlineData("--LerningRate 0.1", "Unknown setting --LerningRate for sit-checkerboard. Valid settings: --LearningRate")]
    [InlineData("--best --sweep-name nope", "--best: there is no sweep 'nope' in this store")]
    [InlineData("--file sweep.yaml", "Sweep file sweep.yaml does not exist.")]
    [InlineData("--method tpe", "--method takes grid, random or bayes, not 'tpe'")]
    [InlineData("--method bayes", "random and bayes search never run out of trials: give --trials N")]
    public void UsageErrorsNameTheProblemAndTheChoices(string arguments, string message)
    {
        var (code, _, error) = ProgramTests.Run(["sweep", "sit-checkerboard", "--storage", Store, .. arguments.Split(' ')]);
        Assert.Equal(2, code);
        Assert.Contains(message, error);
    }
}
