using Research.Framework.Experiments;
using Research.Framework.Sweeps.Launchers;
using Research.Framework.Sweeps.Trials;

namespace Research.Framework.Commands;

/// <summary>
/// The hidden <c>sweep-worker NAME …</c> command (not in the help): one worker of a sweep, until nothing is left. It is
/// what <c>sweep --workers N</c> starts N of, and what each Slurm or Kubernetes task runs; it takes the options of
/// <see cref="SweepCommand"/> (<see cref="SweepArguments.WorkerArguments"/>) plus <c>--worker-id</c>.
/// </summary>
internal static class SweepWorkerCommand
{
    public static int Run(IExperiment experiment, IReadOnlyList<string> arguments, TextWriter output)
    {
        var options = SweepArguments.Read(arguments);
        // One of several workers on a machine: each takes one core unless its trials set --Threads.
        Compute.IntraOpThreads.SetProcessDefault(1);
        Overrides.Apply(experiment.Name, experiment.Defaults(), options.Overrides);
        var search = SweepCommand.Search(experiment, options);
        var sweepName = options["--sweep-name"] ?? experiment.Name;
        try
        {
            using var store = TrialStores.Open(options.Storage);
            var sweep = SweepCommand.Open(store, experiment, options, search, sweepName);
            SweepCommand.Work(store, sweep, experiment, options, search, options["--worker-id"] ?? $"{Environment.MachineName}-{Environment.ProcessId}", output);
            return 0;
        }
        catch (TrialStoreDamagedException damaged)
        {
            throw damaged.WithRepair(ProgramCommand.Current().ShellLine(SweepArguments.RepairArguments(experiment.Name, arguments, sweepName)));
        }
    }
}
