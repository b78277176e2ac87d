using Research.Framework.Experiments;

namespace Research.Framework.Commands;

/// <summary>`list`: every experiment of the program with its description.</summary>
internal static class ListCommand
{
    public static int Run(IReadOnlyList<IExperiment> catalog, TextWriter output)
    {
        foreach (var experiment in catalog) output.WriteLine($"{experiment.Name,-24} {experiment.Description}");
        return 0;
    }
}
