using Research.Framework.Experiments;
using Research.Framework.Runs;

namespace Research.Framework.Commands;

/// <summary>A run folder's record (<see cref="RecordedRun"/>) with its experiment found in the catalog.</summary>
internal static class RunConfig
{
    /// <summary>
    /// The run's experiment (from <paramref name="catalog"/>) and its record; a folder without a valid config.json is a
    /// <see cref="RunFolderException"/>, one of an experiment this program lacks a usage error of <paramref name="command"/>.
    /// </summary>
    public static (IExperiment Experiment, RecordedRun Record) Read(string command, string runDir, IReadOnlyList<IExperiment> catalog)
    {
        var record = RecordedRun.Read(runDir);
        var experiment = catalog.FirstOrDefault(e => e.Name == record.Experiment)
            ?? throw new UsageException($"{command}: the run's experiment '{record.Experiment}' is not in this program. Experiments: {string.Join(", ", catalog.Select(e => e.Name))}.");
        return (experiment, record);
    }
}
