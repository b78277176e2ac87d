using Research.Framework.Distributed;
using Research.Framework.Experiments;
using Research.Framework.Runs;

namespace Research.Framework.Commands;

/// <summary>
/// `run NAME [--Key value ...] [--runs-dir DIR] [--resume RUN-DIR]`: trains, samples and evaluates one experiment in a
/// new run folder, or continues the run folder given to <c>--resume</c> (also `resume RUN-DIR`) from its newest
/// checkpoint with the experiment and settings its config.json records. Ctrl-C or SIGTERM stops after the next
/// checkpoint (exit code 130).
/// </summary>
internal static class RunCommand
{
    public const string Usage = "run NAME [--Key value ...] [--runs-dir DIR] [--resume RUN-DIR] [--skip-preflight] [--emit slurm --nodes N [--gpus-per-node G]]";

    /// <summary>The options of a resume, here after <c>--resume</c> and in the resume command.</summary>
    public static readonly CommandOption[] ResumeFlags = [new("--allow-change", "KEY,..."), CommandOption.Flag("--restart")];

    static readonly CommandSyntax Syntax = new("", Usage, [new("--runs-dir", "DIR"), new("--resume", "RUN-DIR"), CommandOption.Flag("--skip-preflight"), .. ResumeFlags,
        new("--emit", "slurm"), new("--nodes", "N"), new("--gpus-per-node", "G")], Overrides: true);

    /// <summary>The exit code of a run stopped by a signal (128 + SIGINT, as shells report it).</summary>
    public const int CancelledExitCode = 130;

    public static int Run(IExperiment experiment, IReadOnlyList<IExperiment> catalog, IReadOnlyList<string> arguments, TextWriter output)
    {
        if (arguments is ["--help"])
        {
            SettingsHelp.Print(experiment, output);
            output.WriteLine("  --runs-dir           String   default runs       where run folders go");
            output.WriteLine("  --resume             String   (none)             continue a run folder from its newest checkpoint, with its recorded settings");
            output.WriteLine($"  --allow-change       String   (none)             with --resume: settings that may change ({string.Join(", ", ResumePlan.Changeable)})");
            output.WriteLine("  --restart            Flag                        with --resume: start a folder without a loadable checkpoint over in place");
            output.WriteLine("  --skip-preflight     Flag                        do not sample the untrained network once before training (the check that fails a bad sampler pairing in seconds)");
            output.WriteLine("  --emit slurm         String   (none)             print a Slurm batch script that runs this as one data-parallel run (srun, one rank per GPU) instead of running it");
            output.WriteLine("  --nodes              Int32    (none)             with --emit slurm: nodes");
            output.WriteLine("  --gpus-per-node      Int32    0                  with --emit slurm: GPUs per node, one rank each (0: one CPU rank per node)");
            return 0;
        }
        var parsed = ArgumentReader.Read(Syntax, arguments);
        if (parsed["--resume"] is not null && parsed["--emit"] is not null)
            throw new UsageException("--emit slurm writes the script of a new run; to continue one on a cluster, put `resume RUN-DIR` in the script's srun line.");
        if (parsed["--resume"] is { } resume) return Continue(experiment, RecordedRun.Read(resume), parsed, output);
        if (parsed["--allow-change"] is not null || parsed.Has("--restart"))
            throw new UsageException("--allow-change and --restart go with --resume RUN-DIR (or the resume command).");
        var runsDir = parsed["--runs-dir"] ?? "runs";
        bool preflight = !parsed.Has("--skip-preflight");
        if (parsed["--emit"] is { } emit) return EmitScript(emit, Overrides.Plan(experiment, parsed.Overrides) with { Preflight = preflight }, parsed, output);
        if (parsed["--nodes"] is not null || parsed["--gpus-per-node"] is not null)
            throw new UsageException("--nodes and --gpus-per-node go with --emit slurm.");
        // A distillation experiment without a teacher run gets one first (reused or trained here); null: that was cancelled.
        var overrides = TeacherPrerequisite.Resolve(experiment, catalog, parsed.Overrides, runsDir, output,
            (teacher, teacherOverrides) => Train(Overrides.Plan(teacher, teacherOverrides) with { Preflight = preflight }, runsDir, output));
        if (overrides is null) return CancelledExitCode;
        var plan = Overrides.Plan(experiment, overrides) with { Preflight = preflight };
        return Execute(plan, runsDir, resume: null, output);
    }

    /// <summary>Trains a prerequisite run (sCD's teacher) to the end; its folder, or null when it was cancelled.</summary>
    static string? Train(ExperimentPlan plan, string runsDir, TextWriter output)
    {
        using var stop = new StopSignal(output);
        var result = ExperimentRunner.Run(plan, runsDir, output, stop.Token);
        return result.Training.Cancelled ? null : result.Directory.Path;
    }

    /// <summary>
    /// Continues <paramref name="record"/>'s run with its recorded settings; <paramref name="parsed"/>'s overrides must
    /// repeat them, or change only what its <c>--allow-change</c> names (<see cref="ResumePlan"/>).
    /// </summary>
    public static int Continue(IExperiment experiment, RecordedRun record, ParsedArguments parsed, TextWriter output)
    {
        var allowed = (parsed["--allow-change"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var (plan, resume) = ResumePlan.Build(experiment, record, parsed.Overrides, allowed, parsed.Has("--restart"));
        return Execute(plan, "runs", resume, output);
    }

    /// <summary>
    /// Prints the Slurm batch script of this run as a data-parallel job (<see cref="SlurmRunScript"/>): the same
    /// arguments without the launch options, checked first (a bad setting, or a batch the ranks cannot split evenly, is
    /// exit 2 here rather than on the cluster).
    /// </summary>
    static int EmitScript(string kind, ExperimentPlan plan, ParsedArguments parsed, TextWriter output)
    {
        if (kind != "slurm") throw new UsageException($"run --emit takes slurm, not '{kind}'.");
        int nodes = Count(parsed, "--nodes", 1) ?? throw new UsageException("--emit slurm needs --nodes N (N ≥ 1).");
        int gpus = Count(parsed, "--gpus-per-node", 0) ?? 0;
        int ranks = nodes * Math.Max(gpus, 1);
        if (plan.BatchSize % ranks != 0)
            throw new UsageException($"BatchSize {plan.BatchSize} must be divisible by the {ranks} ranks (--nodes {nodes} × {Math.Max(gpus, 1)} per node): each rank trains on BatchSize / {ranks} samples.");
        string[] arguments = ["run", plan.Name, .. parsed.Overrides, "--runs-dir", parsed["--runs-dir"] ?? "runs", .. parsed.Has("--skip-preflight") ? ["--skip-preflight"] : Array.Empty<string>()];
        output.Write(SlurmRunScript.Emit(plan.Name, nodes, gpus, Sweeps.Launchers.ProgramCommand.Current(), arguments));
        return 0;
    }

    static int? Count(ParsedArguments parsed, string option, int minimum)
    {
        if (parsed[option] is not { } text) return null;
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int value) && value >= minimum
            ? value : throw new UsageException($"{option} takes a whole number ≥ {minimum}, not '{text}'.");
    }

    /// <summary>
    /// Runs the plan in the world the launcher started (one process without one; under <c>mpirun</c> or <c>srun</c>
    /// every rank runs this, rank 0 writes the run and reports it). A rank that fails ends the whole job with its exit
    /// code (MPI_Abort) rather than leaving the others waiting.
    /// </summary>
    static int Execute(ExperimentPlan plan, string runsDir, ResumeOptions? resume, TextWriter output)
    {
        using var world = Communicators.FromEnvironment();
        using var stop = new StopSignal(output);
        RunResult result;
        try
        {
            result = ExperimentRunner.Run(plan, runsDir, world.Rank == 0 ? output : TextWriter.Null, stop.Token, resume, world: world);
        }
        catch (Exception error) when (world is MpiCommunicator mpi)
        {
            bool usage = UsageErrors.IsUsageError(error);
            Console.Error.WriteLine($"rank {mpi.Rank}: error: {(usage ? error.Message : error.ToString())}");
            mpi.Abandon(usage ? UsageErrors.ExitCode : 1);
            throw;
        }
        if (world.Rank != 0) return result.Training.Cancelled ? CancelledExitCode : 0;
        output.WriteLine($"done: {result.Directory.Path}");
        foreach (var (key, value) in result.Summary.OrderBy(kv => kv.Key)) output.WriteLine($"  {key} = {value:G5}");
        return result.Training.Cancelled ? CancelledExitCode : 0;
    }
}
