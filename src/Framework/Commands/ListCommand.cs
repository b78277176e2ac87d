using Research.Framework.Experiments;

namespace Research.Framework.Commands;

/// <summary>`list`: every experiment of the program with its description.</summary>
internal static class ListCommand
{
    public static int Run(IReadOnlyList<IExperiment> catalog, TextWriter output)
    {
        int width = catalog.Count == 0 ? 0 : catalog.Max(e => e.Name.Length);   // descriptions start in one column
        foreach (var experiment in catalog) output.WriteLine($"{experiment.Name.PadRight(width)} {experiment.Description}");
        return 0;
    }
}
