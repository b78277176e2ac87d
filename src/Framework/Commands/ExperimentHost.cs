using Research.Framework.Experiments;
using Research.Framework.Sweeps.Trials;
using Research.Framework.Text;

namespace Research.Framework.Commands;

/// <summary>
/// The command line the generated entry point calls: `list`, `run NAME [--Key value ...] [--runs-dir DIR] [--resume RUN-DIR]`,
/// `resume RUN-DIR [--allow-change Key,...] [--restart] [overrides]`, `explain NAME [overrides]`, `sweep NAME [options] [overrides]` (and the workers' hidden `sweep-worker`), `eval RUN-DIR [--samples N] [--guidance w] [--seed s]`, `sync RUN-DIR`, `export RUN-DIR [--out FILE]`, `dashboard [--port N] [--runs-dir DIR]`, `--help` (also after a command), plus the program's
/// extra commands. Usage errors print the valid choices and exit with code 2 (<see cref="UsageErrors"/>).
/// </summary>
public static class ExperimentHost
{
    /// <summary>The exit code when the machine failed a command (I/O: a full disk, a read-only folder, a device error).</summary>
    public const int EnvironmentFailureExitCode = 1;

    /// <summary>Runs a command; returns the exit code (2 for usage errors, 1 when the machine failed it, 130 when a run was cancelled).</summary>
    public static int Run(string[] args, IReadOnlyList<IExperiment> catalog, IReadOnlyList<HostCommand> commands, TextWriter output, TextWriter error)
    {
        try
        {
            return args switch
            {
                [] or ["--help"] or ["-h"] or ["help"] => Help(commands, output),
                ["list", ..] => ListCommand.Run(catalog, output),
                ["run", var name, .. var rest] => RunCommand.Run(Find(catalog, name), catalog, rest, output),
                ["explain", var name, .. var rest] => ExplainCommand.Run(Find(catalog, name), rest, output),
                ["sweep", var name, .. var rest] => SweepCommand.Run(Find(catalog, name), rest, output),
                ["sweep-worker", var name, .. var rest] => SweepWorkerCommand.Run(Find(catalog, name), rest, output),
                ["resume", .. var rest] => ResumeCommand.Run(catalog, rest, output),
                ["eval", .. var rest] => EvaluateCommand.Run(catalog, rest, output),
                ["sync", .. var rest] => SyncCommand.Run(rest, output, Environment.GetEnvironmentVariable),
                ["export", .. var rest] => ExportCommand.Run(rest, output),
                ["dashboard", .. var rest] => DashboardCommand.Run(rest, output),
                [var command, .. var rest] when commands.FirstOrDefault(c => c.Name == command) is { } extra => extra.Run(rest, output),
                _ => throw new UsageException($"Unknown command '{string.Join(' ', args)}'."),
            };
        }
        catch (Exception usage) when (UsageErrors.IsUsageError(usage))
        {
            return UsageErrors.Report(usage, error);
        }
        catch (TrialStoreDamagedException damaged)
        {
            // The sweep stops with its results in the run folders; the message names the store and the repair command.
            error.WriteLine($"error: {damaged.Message}");
            return EnvironmentFailureExitCode;
        }
        catch (Exception environment) when (environment is IOException or UnauthorizedAccessException)
        {
            // The machine failed the run (a full disk, a device error, permissions): one clear line, not a crash. The
            // run folder keeps its last complete checkpoint and every metric written so far, so it can be resumed.
            error.WriteLine($"error: {environment.Message}");
            error.WriteLine("Fix the cause (free space, permissions, a file where a folder should be). A run folder keeps its last complete checkpoint and its metrics: `resume RUN-DIR` continues it.");
            return EnvironmentFailureExitCode;
        }
    }

    /// <summary>The experiment of that name; an unknown name lists the experiments, closest first.</summary>
    static IExperiment Find(IReadOnlyList<IExperiment> catalog, string name) =>
        catalog.FirstOrDefault(e => e.Name == name)
        ?? throw new UsageException($"Unknown experiment '{name}'. Experiments: {string.Join(", ", ClosestNames.Order(name, catalog.Select(e => e.Name)))}.");

    static int Help(IReadOnlyList<HostCommand> commands, TextWriter output)
    {
        output.WriteLine("Research experiments");
        output.WriteLine("  list                                   the experiments");
        output.WriteLine($"  {RunCommand.Usage}   train, sample and evaluate; run NAME --help lists the keys");
        output.WriteLine($"  {ResumeCommand.Usage}   continue a run folder from its newest checkpoint with its recorded settings");
        output.WriteLine($"  {ExplainCommand.Usage,-38} the resolved wiring and configuration (builds nothing)");
        output.WriteLine($"  {SweepCommand.Usage}");
        output.WriteLine("                                         run a sweep with N workers on a trial store (resumable); --dry-run prints the plan; sweep NAME --help");
        output.WriteLine($"  {EvaluateCommand.Usage}   evaluate a run's newest checkpoint (EMA weights); prints each metric with its protocol");
        output.WriteLine($"  {ExportCommand.Usage,-38} the newest checkpoint's EMA weights as safetensors with the network's config (default RUN-DIR/weights.safetensors)");
        output.WriteLine($"  {SyncCommand.Usage}                          replay a run folder to Weights & Biases (WANDB_API_KEY); idempotent");
        output.WriteLine($"  {DashboardCommand.Usage,-38} the web UI over a runs folder on 127.0.0.1 (default port {DashboardCommand.DefaultPort}); Ctrl-C stops it");
        foreach (var command in commands) output.WriteLine($"  {command.Usage,-38} {command.Help}");
        return 0;
    }
}
