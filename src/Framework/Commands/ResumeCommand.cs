using Research.Framework.Experiments;
using Research.Framework.Runs;

namespace Research.Framework.Commands;

/// <summary>
/// `resume RUN-DIR [--allow-change Key,...] [--restart] [--Key value ...]`: continues a run folder from its newest
/// checkpoint with the experiment and every setting its config.json recorded. Overrides given again must repeat the
/// recorded values; <c>--allow-change Steps</c> (or a schedule key) lets one change from the checkpoint on, recorded in
/// config.json (<see cref="ResumePlan"/>). The same as <c>run NAME --resume RUN-DIR</c>.
/// </summary>
internal static class ResumeCommand
{
    public const string Usage = "resume RUN-DIR [--allow-change Key,...] [--restart] [--Key value ...]";

    static readonly CommandSyntax Syntax = new("resume", Usage, RunCommand.ResumeFlags, Positionals: 1, PositionalName: "run folder", Overrides: true);

    public static int Run(IReadOnlyList<IExperiment> catalog, IReadOnlyList<string> arguments, TextWriter output)
    {
        if (arguments is ["--help"])
        {
            output.WriteLine(Usage);
            output.WriteLine("  continues RUN-DIR from its newest checkpoint with the settings config.json recorded;");
            output.WriteLine($"  --allow-change Key,... lets those settings change from the checkpoint on ({string.Join(", ", ResumePlan.Changeable)});");
            output.WriteLine("  --restart starts a folder without a loadable checkpoint over in place (its history cleared)");
            return 0;
        }
        var parsed = ArgumentReader.Read(Syntax, arguments);
        var runDir = parsed.Positionals is [var folder] ? folder : throw new UsageException($"resume: give a run folder. Usage: {Usage}");
        var (experiment, record) = RunConfig.Read("resume", runDir, catalog);
        return RunCommand.Continue(experiment, record, parsed, output);
    }
}
