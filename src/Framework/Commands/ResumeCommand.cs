using Research.Framework.Experiments;

namespace Research.Framework.Commands;

/// <summary>
/// `resume RUN-DIR [--Key value ...]`: continues a run folder from its newest checkpoint with the experiment and the
/// overrides its config.json recorded, then the ones given (which win: a longer <c>--Steps</c>, say). The same as
/// <c>run NAME --resume RUN-DIR</c> with the run's overrides repeated, filed in the runs folder that holds the run.
/// </summary>
internal static class ResumeCommand
{
    public const string Usage = "resume RUN-DIR [--Key value ...]";

    static readonly CommandSyntax Syntax = new("resume", Usage, [], Positionals: 1, PositionalName: "run folder", Overrides: true);

    public static int Run(IReadOnlyList<IExperiment> catalog, IReadOnlyList<string> arguments, TextWriter output)
    {
        if (arguments is ["--help"])
        {
            output.WriteLine(Usage);
            output.WriteLine("  continues RUN-DIR from its newest checkpoint; --Key value overrides apply after the ones config.json recorded");
            return 0;
        }
        var parsed = ArgumentReader.Read(Syntax, arguments);
        var runDir = parsed.Positionals is [var folder] ? folder : throw new UsageException($"resume: give a run folder. Usage: {Usage}");
        var (experiment, recorded) = RunConfig.Read("resume", runDir, catalog);
        // <runs>/<experiment>/<run-id>: the run's index is kept in <runs>, as when it started.
        var runsDir = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(Path.TrimEndingDirectorySeparator(runDir)))) ?? ".";
        return RunCommand.Execute(experiment, [.. recorded, .. parsed.Overrides], runsDir, runDir, output);
    }
}
