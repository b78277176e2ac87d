using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Research.Framework.Experiments;
using Research.Framework.Runs;
using Research.Framework.Sweeps;
using Research.Framework.Sweeps.Launchers;
using Research.Framework.Sweeps.Trials;
using Research.Framework.Sweeps.Workers;
using Research.Framework.Tracking;
using Research.Framework.Tracking.RunIndex;

namespace Research.Framework.Commands;

/// <summary>
/// <c>sweep NAME …</c>: creates (or resumes) a sweep in a trial store and runs it with identical workers; with
/// <c>--dry-run</c> prints the plan, with <c>--best</c> the best trial and the command that re-runs it, with
/// <c>--emit slurm|k8s</c> a launcher for a cluster (of <see cref="SweepWorkerCommand"/>s). Running the same command again resumes
/// the sweep: it is found by name, and trials a killed worker left behind are retried once their heartbeat is stale.
/// </summary>
internal static class SweepCommand
{
    public const string Usage = "sweep NAME [--workers N] [--storage FILE|postgresql://…] [--trials N] [--dry-run|--best|--repair|--emit slurm|k8s] [--Key value ...]";

    /// <summary>The default objective: the final sliced Wasserstein distance of the 2-D toys.</summary>
    public const string DefaultMetric = "final/swd";

    public static int Run(IExperiment experiment, IReadOnlyList<string> arguments, TextWriter output, ProgramCommand? program = null)
    {
        if (arguments is ["--help"]) return Help(output);
        var options = SweepArguments.Read(arguments);
        try
        {
            return Run(experiment, options, output, program);
        }
        catch (TrialStoreDamagedException damaged)
        {
            throw damaged.WithRepair((program ?? ProgramCommand.Current()).ShellLine(
                SweepArguments.RepairArguments(experiment.Name, arguments, options["--sweep-name"] ?? experiment.Name)));
        }
    }

    static int Run(IExperiment experiment, SweepArguments options, TextWriter output, ProgramCommand? program)
    {
        Overrides.Apply(experiment.Name, experiment.Defaults(), options.Overrides); // bad keys fail here, before any worker starts
        if (options.Has("--dry-run")) return DryRun(experiment, options, output);
        var search = Search(experiment, options);
        var workers = options.Int("--workers", 1, 1);
        var sweepName = options["--sweep-name"] ?? experiment.Name;
        if (options["--emit"] is { } emit) return Emit(emit, experiment, options, sweepName, workers, program ?? ProgramCommand.Current(), output);

        if (options.Has("--repair")) return Repair(experiment, options, search, sweepName, output);
        using var store = TrialStores.Open(options.Storage);
        if (options.Has("--best")) return Best(store, experiment, sweepName, program ?? ProgramCommand.Current(), output);
        if (options.Has("--new")) sweepName = FreeName(store, sweepName);
        var sweep = Open(store, experiment, options, search, sweepName);
        output.WriteLine($"sweep {sweep.Name}: {experiment.Name}, {Verb(sweep.Objective.Goal)} {sweep.Objective.Metric}, {workers} worker(s), store {Describe(options.Storage)}");
        if (workers == 1)
            Work(store, sweep, experiment, options, search, $"{Environment.MachineName}-{Environment.ProcessId}", output);
        else
        {
            var command = program ?? ProgramCommand.Current();
            var codes = LocalLauncher.Run(command, [.. Enumerable.Range(0, workers).Select(i =>
                ($"w{i}", (IReadOnlyList<string>)[.. options.WorkerArguments(experiment.Name, sweep.Name), "--worker-id", $"{Environment.MachineName}-{Environment.ProcessId}-w{i}"]))], output);
            if (codes.Any(code => code != 0))
                output.WriteLine($"worker exit codes: {string.Join(", ", codes)}; run the same command again to resume the sweep");
        }
        Summarize(store, sweep, output);
        return 0;
    }

    /// <summary>The sweep's search (<see cref="SweepSearches.Resolve"/>); an open-ended one (random, bayes) needs a budget.</summary>
    internal static SweepSearch Search(IExperiment experiment, SweepArguments options)
    {
        SearchMethod? method = options["--method"] switch
        {
            null => null,
            "grid" => SearchMethod.Grid,
            "random" => SearchMethod.Random,
            "bayes" => SearchMethod.Bayes,
            var other => throw new UsageException($"--method takes grid, random or bayes, not '{other}'."),
        };
        var search = SweepSearches.Resolve(experiment, options["--file"], method, Goal(options, null));
        if (search.Strategy is not null and not GridSearch && search.TrialBudget is null && options["--trials"] is null)
            throw new UsageException("random and bayes search never run out of trials: give --trials N (or run_cap in the sweep file).");
        return search;
    }

    static SweepGoal Goal(SweepArguments options, SweepGoal? fallback) => options["--goal"] switch
    {
        null => fallback ?? SweepGoal.Minimize,
        "minimize" => SweepGoal.Minimize,
        "maximize" => SweepGoal.Maximize,
        var other => throw new UsageException($"--goal takes minimize or maximize, not '{other}'."),
    };

    static string Verb(SweepGoal goal) => goal == SweepGoal.Minimize ? "minimize" : "maximize";

    /// <summary>Creates the sweep (idempotently: every worker may be first) and files it in the run store's index for the dashboard.</summary>
    internal static SweepStudy Open(ITrialStore store, IExperiment experiment, SweepArguments options, SweepSearch search, string sweepName)
    {
        var goal = Goal(options, search.Objective?.Goal);
        // The search was built for the file's direction (TPE ranks trials by it), so --goal may not contradict it.
        if (search.Objective is { } fromFile && goal != fromFile.Goal)
            throw new UsageException($"--goal {Verb(goal)} contradicts the sweep file's goal ({Verb(fromFile.Goal)}); change the file or leave out --goal.");
        var objective = new SweepObjective(options["--metric"] ?? search.Objective?.Metric ?? DefaultMetric, goal, search.Objective?.Target);
        var spec = new JsonObject
        {
            ["experiment"] = experiment.Name,
            ["overrides"] = new JsonArray([.. options.Overrides.Select(o => JsonValue.Create(o))]),
            ["search"] = search.Spec,
        }.ToJsonString();
        var sweep = store.CreateSweep(sweepName, experiment.Name, objective, spec, search.Enqueued);
        if (sweep.Experiment != experiment.Name)
            throw new UsageException($"the sweep '{sweepName}' in {Describe(options.Storage)} belongs to {sweep.Experiment}; choose another --sweep-name.");
        // A resumed sweep runs what it was created with; different overrides or a different space would mix two
        // sweeps' trials under one name, so the difference is shown and the user chooses.
        if (SpecDifferences(sweep.Spec, spec) is { Count: > 0 } differences)
            throw new UsageException($"the sweep '{sweepName}' in {Describe(options.Storage)} was created with other settings:\n  " +
                string.Join("\n  ", differences) + $"\nResume it as it was (repeat its settings), add --new to start another sweep ('{FreeName(store, sweepName)}'), or give --sweep-name NAME.");
        // A resumed sweep keeps its objective: its trials were proposed and pruned in that direction.
        if (sweep.Objective.Goal != objective.Goal || sweep.Objective.Metric != objective.Metric)
            throw new UsageException($"the sweep '{sweepName}' in {Describe(options.Storage)} has the objective {Verb(sweep.Objective.Goal)} {sweep.Objective.Metric}, " +
                $"not {Verb(objective.Goal)} {objective.Metric}; resume it with its own --metric and --goal, or choose another --sweep-name.");
        try
        {
            using var runs = RunStore.Open(options.RunsDir);
            runs.UpsertSweep(sweep.Name, sweep.Name, new JsonObject
            {
                ["experiment"] = sweep.Experiment,
                ["metric"] = sweep.Objective.Metric,
                ["goal"] = sweep.Objective.Goal.ToString().ToLowerInvariant(),
                ["store"] = TrialStores.IsPostgres(options.Storage) ? "postgresql" : "sqlite",
                ["spec"] = JsonNode.Parse(sweep.Spec),
            }.ToJsonString());
        }
        catch (Exception error)
        {
            // The index can be rebuilt from the run folders; the sweep must not fail for it.
            Console.Error.WriteLine($"tracking: could not file the sweep in the run store index ({error.GetType().Name}: {error.Message})");
        }
        return sweep;
    }

    internal static void Work(ITrialStore store, SweepStudy sweep, IExperiment experiment, SweepArguments options, SweepSearch search, string workerId, TextWriter output)
    {
        var heartbeat = options["--heartbeat"] is { } text
            ? double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 ? TimeSpan.FromSeconds(seconds)
                : throw new UsageException($"--heartbeat takes seconds > 0, not '{text}'.")
            : TimeSpan.FromSeconds(30);
        var workerOptions = new SweepWorkerOptions
        {
            WorkerId = workerId,
            HeartbeatInterval = heartbeat,
            PollInterval = heartbeat,
            MaxRetries = options.Int("--max-retries", 2, 0),
            MaxTrials = options["--trials"] is null ? search.TrialBudget : options.Int("--trials", 0, 1),
        };
        var runner = new ExperimentTrialRunner(experiment, StoredOverrides(sweep), options.RunsDir, output, options["--intermediate"]);
        using var stop = new StopSignal(output);
        var ran = new SweepWorker(store, sweep, search, runner, workerOptions, output).Run(stop.Token);
        output.WriteLine($"[{workerId}] done: {ran} trial(s)");
    }

    /// <summary>The first of NAME, NAME-2, NAME-3, … that no sweep in the store has.</summary>
    static string FreeName(ITrialStore store, string name)
    {
        if (store.FindSweep(name) is null) return name;
        for (int n = 2; ; n++)
            if (store.FindSweep($"{name}-{n}") is null) return $"{name}-{n}";
    }

    /// <summary>Where a sweep's recorded spec and a new one differ, one line per setting: "overrides: A → B", "search.parameters.x.max: 1 → 2".</summary>
    internal static List<string> SpecDifferences(string recorded, string requested)
    {
        var (was, now) = (Flatten(JsonNode.Parse(recorded)), Flatten(JsonNode.Parse(requested)));
        var lines = new List<string>();
        if (was.GetValueOrDefault("overrides") != now.GetValueOrDefault("overrides"))
            lines.Add($"overrides: {was.GetValueOrDefault("overrides") ?? "(none)"} → {now.GetValueOrDefault("overrides") ?? "(none)"}");
        foreach (var key in was.Keys.Union(now.Keys).Where(key => key != "overrides").Order(StringComparer.Ordinal))
            if (was.GetValueOrDefault(key) != now.GetValueOrDefault(key))
                lines.Add($"{key}: {was.GetValueOrDefault(key) ?? "(absent)"} → {now.GetValueOrDefault(key) ?? "(absent)"}");
        return lines;
    }

    /// <summary>A spec as path → JSON text, with the overrides as one space-separated line.</summary>
    static Dictionary<string, string> Flatten(JsonNode? spec)
    {
        var flat = new Dictionary<string, string>(StringComparer.Ordinal);
        void Walk(JsonNode? node, string path)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (key, child) in o) Walk(child, path.Length == 0 ? key : $"{path}.{key}");
                    break;
                case JsonArray a when path == "overrides":
                    if (a.Count > 0) flat[path] = string.Join(' ', a.Select(item => item?.ToString()));
                    break;
                case JsonArray a:
                    for (int i = 0; i < a.Count; i++) Walk(a[i], $"{path}[{i}]");
                    break;
                default:
                    flat[path] = node?.ToJsonString() ?? "null";
                    break;
            }
        }
        Walk(spec, "");
        return flat;
    }

    /// <summary>The overrides the sweep was created with (a resumed sweep keeps its own).</summary>
    static IReadOnlyList<string> StoredOverrides(SweepStudy sweep) =>
        JsonNode.Parse(sweep.Spec)?["overrides"]?.AsArray().Select(node => node!.GetValue<string>()).ToList() ?? [];

    static int Best(ITrialStore store, IExperiment experiment, string sweepName, ProgramCommand program, TextWriter output)
    {
        var sweep = store.FindSweep(sweepName) ?? throw new UsageException($"--best: there is no sweep '{sweepName}' in this store. Start it with `sweep {experiment.Name}`.");
        var complete = store.Trials(sweep.Id).Where(t => t.State == TrialState.Complete && t.Value is not null).ToList();
        if (complete.Count == 0)
        {
            output.WriteLine($"sweep {sweep.Name}: no trial is complete yet");
            return 1;
        }
        var best = sweep.Objective.Goal == SweepGoal.Minimize ? complete.MinBy(t => t.Value!.Value)! : complete.MaxBy(t => t.Value!.Value)!;
        output.WriteLine($"best trial of {sweep.Name}: #{best.Number} {sweep.Objective.Metric} = {best.Value!.Value.ToString("G6", CultureInfo.InvariantCulture)} ({complete.Count} complete)");
        if (best.RunDirectory is { } folder) output.WriteLine($"  run folder: {folder}");
        output.WriteLine("  re-run it with:");
        output.WriteLine("  " + program.ShellLine(["run", experiment.Name, .. ExperimentTrialRunner.Arguments(StoredOverrides(sweep), best.Parameters)]));
        return 0;
    }

    /// <summary>
    /// <c>--repair</c>: a damaged SQLite store is moved aside (kept for inspection) and a new one made; when the sweep is
    /// missing from the store, it is created as the command line describes it and its trials are restored from the run
    /// folders (<see cref="SweepRepair"/>). A sound store that has the sweep is left alone.
    /// </summary>
    static int Repair(IExperiment experiment, SweepArguments options, SweepSearch search, string sweepName, TextWriter output)
    {
        if (TrialStores.IsPostgres(options.Storage))
            throw new UsageException("--repair rebuilds a SQLite trial store from the run folders; a PostgreSQL server keeps its own (repair it with PostgreSQL's tools).");
        if (File.Exists(options.Storage) && SqliteTrialStore.Damage(options.Storage) is { } damage)
            output.WriteLine($"trial store {options.Storage} is damaged ({damage.TrimEnd('.')}): moved it to {SqliteFiles.MoveAside(options.Storage)}");
        using var store = TrialStores.Open(options.Storage);
        if (store.FindSweep(sweepName) is not null)
        {
            output.WriteLine($"sweep {sweepName}: the store {Describe(options.Storage)} has it and is sound; nothing to repair");
            return 0;
        }
        var sweep = Open(store, experiment, options, search with { Enqueued = [] }, sweepName);
        var restored = SweepRepair.Restore(store, sweep, options.RunsDir, options["--intermediate"] ?? ObjectiveTracker.IntermediateOf(sweep.Objective.Metric), search.Enqueued);
        output.WriteLine($"sweep {sweep.Name}: restored from the run folders in {options.RunsDir}: {restored.Complete} complete, " +
            $"{restored.Waiting} to resume from their checkpoints, {restored.Enqueued} enqueued trial(s) that had not run; run the sweep command again to go on");
        return 0;
    }

    static void Summarize(ITrialStore store, SweepStudy sweep, TextWriter output)
    {
        var trials = store.Trials(sweep.Id);
        output.WriteLine($"sweep {sweep.Name}: " + string.Join(", ", trials.GroupBy(t => t.State).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}")));
        if (trials.Any(t => t.IsOwed))
            output.WriteLine("  trials are left: run the same command again to resume");
        else if (trials.Any(t => t.State == TrialState.Waiting))
            output.WriteLine("  the waiting trials are beyond the trial budget: run the same command with a larger --trials to run them");
    }

    static int Emit(string kind, IExperiment experiment, SweepArguments options, string sweepName, int workers, ProgramCommand program, TextWriter output)
    {
        var parallel = options.Int("--parallel", workers, 1);
        var arguments = options.WorkerArguments(experiment.Name);
        switch (kind)
        {
            case "slurm":
                output.Write(SlurmScript.Emit(sweepName, workers, parallel, program, arguments, sqlite: !TrialStores.IsPostgres(options.Storage)));
                return 0;
            case "k8s":
                if (!TrialStores.IsPostgres(options.Storage))
                    throw new UsageException("--emit k8s: pods share no SQLite file; give --storage postgresql://user@host/database.");
                var image = options["--image"] ?? throw new UsageException("--emit k8s needs --image IMAGE (a container image holding this program).");
                output.Write(KubernetesJob.Emit(sweepName, workers, parallel, image, program, arguments));
                return 0;
            default:
                throw new UsageException($"--emit takes slurm or k8s, not '{kind}'.");
        }
    }

    /// <summary>
    /// The plan, before anything runs: with a sweep file or --method, the search (method, objective, budget, pruner, each
    /// parameter's distribution, the trials enqueued first); otherwise the grid product of the [Sweep] values.
    /// Either way, where it would run.
    /// </summary>
    static int DryRun(IExperiment experiment, SweepArguments options, TextWriter output)
    {
        if (options["--file"] is not null || options["--method"] is not null) DescribeSearch(experiment, options, output);
        else DescribeGrid(experiment, output);
        output.WriteLine($"store {Describe(options.Storage)}, sweep name {options["--sweep-name"] ?? experiment.Name}, {options.Int("--workers", 1, 1)} worker(s)" +
            (options["--trials"] is { } trials ? $", at most {trials} trial(s)" : ""));
        return 0;
    }

    static void DescribeSearch(IExperiment experiment, SweepArguments options, TextWriter output)
    {
        var search = Search(experiment, options);
        var objective = search.Objective ?? new SweepObjective(options["--metric"] ?? DefaultMetric, Goal(options, null));
        output.WriteLine($"sweep {experiment.Name}: {search.Strategy?.GetType().Name ?? "enqueued trials only"}, " +
            $"{Verb(objective.Goal)} {objective.Metric}" +
            (objective.Target is { } target ? $" (stop at {target.ToString("R", CultureInfo.InvariantCulture)})" : "") +
            $", budget {(options["--trials"] ?? search.TrialBudget?.ToString(CultureInfo.InvariantCulture) ?? "until the grid is exhausted")}" +
            $", pruner {search.Pruner?.GetType().Name ?? "none"}");
        foreach (var parameter in search.Space.Parameters)
            output.WriteLine($"  {parameter.Key,-24} {SweepFile.Describe(parameter.Distribution)}");
        for (int i = 0; i < search.Enqueued.Count; i++)
            output.WriteLine($"  [{i}] {string.Join(' ', search.Enqueued[i].Select(kv => $"--{kv.Key} {kv.Value}"))}");
    }

    static void DescribeGrid(IExperiment experiment, TextWriter output)
    {
        var plan = experiment.SweepPlan();
        output.WriteLine($"sweep {experiment.Name}: {plan.Count} configuration(s)");
        foreach (var axis in experiment.SweepAxes) output.WriteLine($"  axis {axis}");
        var defaults = Overrides.Defaults(experiment);
        for (int i = 0; i < plan.Count; i++)
        {
            var changed = plan[i].Settings.Where(s => s.Current() != defaults[s.Key]).Select(s => $"--{s.Key} {s.Current()}").ToList();
            output.WriteLine($"  [{i}] {(changed.Count == 0 ? "(the defaults)" : string.Join(' ', changed))}");
        }
    }

    /// <summary>The store for messages, without a PostgreSQL password.</summary>
    static string Describe(string storage)
    {
        if (!TrialStores.IsPostgres(storage)) return storage;
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(TrialStores.PostgresConnectionString(storage));
        return $"postgresql://{builder.Host}:{builder.Port}/{builder.Database}";
    }

    static int Help(TextWriter output)
    {
        output.WriteLine(Usage);
        output.WriteLine("  --workers N          worker processes on this machine (default 1: this process)");
        output.WriteLine("  --storage S          trial store: a SQLite file (default RUNS-DIR/sweeps.db) or postgresql://user[:password]@host[:port]/database");
        output.WriteLine("  --trials N           at most N first tries (retries do not count)");
        output.WriteLine("  --sweep-name S       the sweep's name in the store (default: the experiment's); the same name resumes it, with the same");
        output.WriteLine("                       overrides and space only (other settings are refused, showing the difference)");
        output.WriteLine("  --new                start another sweep (NAME-2, NAME-3, …) instead of resuming the sweep of that name");
        output.WriteLine("  --file F             a W&B sweep file (YAML or JSON: method, metric, parameters, early_terminate, run_cap)");
        output.WriteLine("  --method M           without --file: grid (default: the [Sweep] values), random or bayes (TPE over [Sweep] and [SweepRange])");
        output.WriteLine($"  --metric KEY         the objective, a run-summary metric (default {DefaultMetric}); --goal minimize|maximize");
        output.WriteLine("  --intermediate KEY   the logged metric reported for pruning (default: eval/X for final/X)");
        output.WriteLine("  --heartbeat SECONDS  heartbeat interval (default 30; a trial silent for twice that is retried)");
        output.WriteLine("  --max-retries N      retries of a trial whose worker died (default 2)");
        output.WriteLine("  --runs-dir DIR       where run folders go (default runs)");
        output.WriteLine("  --dry-run            print the plan; --best: the best trial and the command that re-runs it");
        output.WriteLine("  --repair             a damaged SQLite store is moved aside and the sweep's trials are restored from their run folders");
        output.WriteLine("                       (complete ones with their results, unfinished ones to resume); give the sweep's own options");
        output.WriteLine("  --emit slurm|k8s     print a Slurm array script / a Kubernetes Indexed Job of --workers identical workers (--parallel K at once; k8s: --image)");
        return 0;
    }
}
