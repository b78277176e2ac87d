namespace Research.Framework.Experiments;

/// <summary>an extra command of a program (benchmarks, tools): its name, a usage line, a help line and what it runs.</summary>
public sealed record HostCommand(string Name, string Usage, string Help, Func<IReadOnlyList<string>, TextWriter, int> Run);

/// <summary>
/// The command line the generated entry point calls: `list`, `run NAME [--Key value ...] [--runs-dir DIR] [--resume RUN-DIR]`,
/// `explain NAME [overrides]`, `sweep NAME [options] [overrides]` (and the workers' hidden `sweep-worker`), `eval RUN-DIR [--samples N] [--guidance w] [--seed s]`, `sync RUN-DIR`, `dashboard [--port N] [--runs-dir DIR]`, `--help` (also after a command), plus the program's
/// extra commands. Usage errors print the valid choices and exit with code 2.
/// </summary>
public static class ExperimentHost
{
    /// <summary>Runs a command; returns the exit code (2 for usage errors, 130 when a run was cancelled).</summary>
    public static int Run(string[] args, IReadOnlyList<IExperiment> catalog, IReadOnlyList<HostCommand> commands, TextWriter output, TextWriter error)
    {
        try
        {
            switch (args)
            {
                case [] or ["--help"] or ["-h"] or ["help"]:
                    Help(commands, output);
                    return 0;
                case ["list", ..]:
                    foreach (var experiment in catalog) output.WriteLine($"{experiment.Name,-24} {experiment.Description}");
                    return 0;
                case ["run", var name, .. var rest]:
                    return RunExperiment(Find(catalog, name), rest, output);
                case ["explain", var name, .. var rest]:
                    return Explain(Find(catalog, name), rest, output);
                case ["sweep", var name, .. var rest]:
                    return SweepCommand.Run(Find(catalog, name), rest, output);
                case ["sweep-worker", var name, .. var rest]:
                    return SweepCommand.Worker(Find(catalog, name), rest, output);
                case ["eval", .. var rest]:
                    return EvaluateCommand.Run(catalog, rest, output);
                case ["sync", .. var rest]:
                    return SyncCommand.Run(rest, output, Environment.GetEnvironmentVariable);
                case ["dashboard", .. var rest]:
                    return DashboardCommand.Run(rest, output);
                case [var command, .. var rest] when commands.FirstOrDefault(c => c.Name == command) is { } extra:
                    return extra.Run(rest, output);
                default:
                    throw new UsageException($"Unknown command '{string.Join(' ', args)}'.");
            }
        }
        catch (UsageException usage)
        {
            error.WriteLine($"error: {usage.Message}");
            error.WriteLine("Try --help.");
            return 2;
        }
    }

    static int RunExperiment(IExperiment experiment, IReadOnlyList<string> arguments, TextWriter output)
    {
        if (arguments is ["--help"])
        {
            KeyHelp(experiment, output);
            output.WriteLine("  --runs-dir           String   default runs       where run folders go");
            output.WriteLine("  --resume             String   (none)             continue a run folder from its newest checkpoint");
            return 0;
        }
        var runsDir = "runs";
        string? resume = null;
        var rest = new List<string>();
        for (int i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] == "--runs-dir" && i + 1 < arguments.Count) runsDir = arguments[++i];
            else if (arguments[i].StartsWith("--runs-dir=", StringComparison.Ordinal)) runsDir = arguments[i]["--runs-dir=".Length..];
            else if (arguments[i] == "--resume" && i + 1 < arguments.Count) resume = arguments[++i];
            else if (arguments[i].StartsWith("--resume=", StringComparison.Ordinal)) resume = arguments[i]["--resume=".Length..];
            else rest.Add(arguments[i]);
        }
        if (resume is not null && !File.Exists(Path.Combine(resume, "config.json")))
            throw new UsageException($"--resume: '{resume}' is not a run folder (it has no config.json).");
        var plan = Overrides.Plan(experiment, rest);
        using var stop = new StopSignal(output);
        var result = ExperimentRunner.Run(plan, runsDir, output, stop.Token, resume);
        output.WriteLine($"done: {result.Directory.Path}");
        foreach (var (key, value) in result.Summary.OrderBy(kv => kv.Key)) output.WriteLine($"  {key} = {value:G5}");
        return result.Training.Cancelled ? 130 : 0;
    }

    /// <summary>Prints the wiring and every resolved value, marking those that differ from the defaults; builds nothing.</summary>
    static int Explain(IExperiment experiment, IReadOnlyList<string> arguments, TextWriter output)
    {
        if (arguments is ["--help"]) { KeyHelp(experiment, output); return 0; }
        var configuration = experiment.Defaults();
        var overrides = Overrides.Apply(experiment.Name, configuration, arguments);
        var defaults = Overrides.Defaults(experiment);
        output.WriteLine($"{experiment.Name}: {experiment.Description}");
        output.WriteLine(experiment.Wiring);
        output.WriteLine("configuration:");
        int width = configuration.Settings.Max(s => s.Key.Length);
        foreach (var s in configuration.Settings)
        {
            var value = s.Current();
            var note = overrides.ContainsKey(s.Key) && value != defaults[s.Key] ? $"   (default {defaults[s.Key]})" : "";
            output.WriteLine($"  {s.Key.PadRight(width)} = {value}{note}");
        }
        return 0;
    }

    static void KeyHelp(IExperiment experiment, TextWriter output)
    {
        output.WriteLine($"{experiment.Name}: {experiment.Description}");
        foreach (var s in experiment.Defaults().Settings)
            output.WriteLine($"  --{s.Key,-18} {s.Type,-8} default {s.Current(),-10} {s.Help}");
    }

    static IExperiment Find(IReadOnlyList<IExperiment> catalog, string name) =>
        catalog.FirstOrDefault(e => e.Name == name)
        ?? throw new UsageException($"Unknown experiment '{name}'. Experiments: {string.Join(", ", Overrides.ClosestFirst(name, catalog.Select(e => e.Name)))}.");

    static void Help(IReadOnlyList<HostCommand> commands, TextWriter output)
    {
        output.WriteLine("Research experiments");
        output.WriteLine("  list                                   the experiments");
        output.WriteLine("  run NAME [--Key value ...] [--runs-dir DIR] [--resume RUN-DIR]   train, sample and evaluate; run NAME --help lists the keys");
        output.WriteLine("  explain NAME [--Key value ...]         the resolved wiring and configuration (builds nothing)");
        output.WriteLine($"  {SweepCommand.Usage}");
        output.WriteLine("                                         run a sweep with N workers on a trial store (resumable); --dry-run prints the plan; sweep NAME --help");
        output.WriteLine($"  {EvaluateCommand.Usage}   evaluate a run's newest checkpoint (EMA weights); prints each metric with its protocol");
        output.WriteLine($"  {SyncCommand.Usage}                          replay a run folder to Weights & Biases (WANDB_API_KEY); idempotent");
        output.WriteLine($"  {DashboardCommand.Usage,-38} the web UI over a runs folder on 127.0.0.1 (default port {DashboardCommand.DefaultPort}); Ctrl-C stops it");
        foreach (var command in commands) output.WriteLine($"  {command.Usage,-38} {command.Help}");
    }
}
