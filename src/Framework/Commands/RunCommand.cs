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
    public const string Usage = "run NAME [--Key value ...] [--runs-dir DIR] [--resume RUN-DIR] [--skip-preflight]";

    /// <summary>The options of a resume, here after <c>--resume</c> and in the resume command.</summary>
    public static readonly CommandOption[] ResumeFlags = [new("--allow-change", "KEY,..."), CommandOption.Flag("--restart")];

    static readonly CommandSyntax Syntax = new("", Usage, [new("--runs-dir", "DIR"), new("--resume", "RUN-DIR"), CommandOption.Flag("--skip-preflight"), .. ResumeFlags], Overrides: true);

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
            return 0;
        }
        var parsed = ArgumentReader.Read(Syntax, arguments);
        if (parsed["--resume"] is { } resume) return Continue(experiment, RecordedRun.Read(resume), parsed, output);
        if (parsed["--allow-change"] is not null || parsed.Has("--restart"))
            throw new UsageException("--allow-change and --restart go with --resume RUN-DIR (or the resume command).");
        var runsDir = parsed["--runs-dir"] ?? "runs";
        bool preflight = !parsed.Has("--skip-preflight");
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

    static int Execute(ExperimentPlan plan, string runsDir, ResumeOptions? resume, TextWriter output)
    {
        using var stop = new StopSignal(output);
        var result = ExperimentRunner.Run(plan, runsDir, output, stop.Token, resume);
        output.WriteLine($"done: {result.Directory.Path}");
        foreach (var (key, value) in result.Summary.OrderBy(kv => kv.Key)) output.WriteLine($"  {key} = {value:G5}");
        return result.Training.Cancelled ? CancelledExitCode : 0;
    }
}
