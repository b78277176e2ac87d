using System.Globalization;
using Research.Framework.Commands;

namespace Research.Experiments;

/// <summary>
/// The bench commands' `--name N` options: whole numbers with a default and a least value. A mistake is a usage error
/// (exit 2, one line naming the usage), not a stack trace.
/// </summary>
public static class BenchArguments
{
    /// <summary>One option: its name without dashes, its default and its least allowed value.</summary>
    public sealed record Option(string Name, long Default, long Least);

    /// <summary>The value of every option (its default when absent); anything else is a <see cref="UsageException"/> quoting <paramref name="usage"/>.</summary>
    public static IReadOnlyDictionary<string, long> Read(string usage, IReadOnlyList<string> args, params Option[] options)
    {
        var values = options.ToDictionary(option => option.Name, option => option.Default);
        for (int i = 0; i < args.Count; i += 2)
        {
            var option = options.FirstOrDefault(o => args[i] == "--" + o.Name);
            if (option is null || i + 1 >= args.Count
                || !long.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out long value) || value < option.Least)
                throw new UsageException($"usage: {usage} ({string.Join(", ", options.Select(o => $"--{o.Name} ≥ {o.Least}"))}); got: {string.Join(' ', args)}");
            values[option.Name] = value;
        }
        return values;
    }
}
