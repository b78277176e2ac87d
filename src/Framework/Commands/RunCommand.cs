using Research.Framework.Experiments;
using Research.Framework.Runs;

namespace Research.Framework.Commands;

/// <summary>
/// `run NAME [--Key value ...] [--runs-dir DIR] [--resume RUN-DIR]`: trains, samples and evaluates one experiment in a
/// new run folder, or continues the run folder given to <c>--resume</c> from its newest checkpoint. Ctrl-C or SIGTERM
/// stops after the next checkpoint (exit code 130).
/// </summary>
internal static class RunCommand
{
    public const string Usage = "run NAME [--Key value ...] [--runs-dir DIR] [--resume RUN-DIR]";

    static readonly CommandSyntax Syntax = new("", Usage, [new("--runs-dir", "DIR"), new("--resume", "RUN-DIR")], Overrides: true);

    /// <summary>The exit code of a run stopped by a signal (128 + SIGINT, as shells report it).</summary>
    public const int CancelledExitCode = 130;

    public static int Run(IExperiment experiment, IReadOnlyList<string> arguments, TextWriter output)
    {
        if (arguments is ["--help"])
        {
            SettingsHelp.Print(experiment, output);
            output.WriteLine("  --runs-dir           String   default runs       where run folders go");
            output.WriteLine("  --resume             String   (none)             continue a run folder from its newest checkpoint");
            return 0;
        }
        var parsed = ArgumentReader.Read(Syntax, arguments);
        var resume = parsed["--resume"];
        if (resume is not null && !File.Exists(Path.Combine(resume, "config.json")))
            throw new UsageException($"--resume: '{resume}' is not a run folder (it has no config.json).");
        return Execute(experiment, parsed.Overrides, parsed["--runs-dir"] ?? "runs", resume, output);
    }

    /// <summary>Runs (or, with <paramref name="resume"/>, continues) the experiment with the overrides until done or stopped by a signal.</summary>
    public static int Execute(IExperiment experiment, IReadOnlyList<string> overrides, string runsDir, string? resume, TextWriter output)
    {
        var plan = Overrides.Plan(experiment, overrides);
        using var stop = new StopSignal(output);
        var result = ExperimentRunner.Run(plan, runsDir, output, stop.Token, resume);
        output.WriteLine($"done: {result.Directory.Path}");
        foreach (var (key, value) in result.Summary.OrderBy(kv => kv.Key)) output.WriteLine($"  {key} = {value:G5}");
        return result.Training.Cancelled ? CancelledExitCode : 0;
    }
}
