using Research.Framework.Data;
using Research.Framework.Data.Images;

namespace Research.Framework.Experiments;

/// <summary>
/// The network's label table must fit the data's labels: a class-conditional network (Network.NumClasses = n) needs
/// labelled data with exactly n classes, since a label ≥ n would index the null row or past the table, and classes the
/// data never shows would be sampled from untrained rows. An image folder sets its class count at run time, which a
/// compile-time [Default] cannot follow, so there the rule is strict both ways: classes in the folder need a
/// conditional network with their count. The error names the value to set.
/// </summary>
public static class ClassCountCheck
{
    /// <summary>Throws an <see cref="ArgumentException"/> (a usage error) when <paramref name="networkClasses"/> does not fit <paramref name="dataset"/>.</summary>
    public static void Check(IDataset dataset, int? networkClasses)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var names = (dataset as IClassNames)?.ClassNames is { Count: > 0 } known ? $" ({Listed(known)})" : "";
        switch (networkClasses, dataset.NumClasses)
        {
            case (int n, int k) when n != k:
                throw new ArgumentException($"Network.NumClasses is {n} but the data set has {k} classes{names}: set --Network.NumClasses {k}.");
            case (int n, null):
                throw new ArgumentException($"Network.NumClasses is {n} but the data set has no labels: set --Network.NumClasses null for an unconditional network.");
            case (null, int k) when dataset is ImageFolder folder:
                throw new ArgumentException($"the folder {folder.Options.Folder} has {k} classes{names} and Network.NumClasses is null: set --Network.NumClasses {k} " +
                    "for a class-conditional model, or --Dataset.Classes false to train on all its images unconditionally.");
        }
    }

    static string Listed(IReadOnlyList<string> names) => string.Join(", ", names.Take(5)) + (names.Count > 5 ? $", … {names.Count - 5} more" : "");
}
