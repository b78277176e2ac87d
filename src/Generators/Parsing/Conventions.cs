using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Research.Generators;

/// <summary>
/// The framework's table of well-known experiment properties (the record WellKnownSettings, read by symbol): which
/// class settings it binds, and which names nearly match one of its names (warning RSG013).
/// </summary>
internal sealed class Conventions
{
    /// <summary>One row: its canonical name, the names that bind it (canonical first), and whether it takes integers only.</summary>
    sealed record Row(string Name, IReadOnlyList<string> Names, bool IntegerOnly);

    readonly IReadOnlyList<Row> rows;

    Conventions(IReadOnlyList<Row> rows) => this.rows = rows;

    /// <summary>The table of <paramref name="known"/>'s WellKnownSettings (empty when the framework lacks it).</summary>
    public static Conventions From(KnownSymbols known)
    {
        if (known.WellKnownSettings is not { } table) return new([]);
        var rows = table.GetMembers().OfType<IPropertySymbol>()
            .Where(p => p.DeclaredAccessibility == Accessibility.Public && !p.IsStatic && p.SetMethod is not null)
            .Select(p => new Row(p.Name, [p.Name, .. Aliases(p, known)], SettingReader.Kind(p.Type) is SettingKind.Int32 or SettingKind.Int64))
            .ToList();
        return new(rows);
    }

    static IEnumerable<string> Aliases(IPropertySymbol property, KnownSymbols known) =>
        property.GetAttributes().Where(a => KnownSymbols.Is(a.AttributeClass, known.AlsoNamedAttribute))
            .SelectMany(a => a.ConstructorArguments.Where(c => c.Kind == TypedConstantKind.Array).SelectMany(c => c.Values))
            .Select(v => v.Value as string).Where(v => v is { Length: > 0 }).Select(v => v!);

    /// <summary>
    /// The class settings that the table binds: per row, the first of its names that a setting has, when the
    /// setting's type fits (integers for an integer row, any number otherwise).
    /// </summary>
    public List<ConventionBinding> Bind(IReadOnlyList<SettingModel> classSettings)
    {
        var bindings = new List<ConventionBinding>();
        foreach (var row in rows)
        {
            var bound = row.Names.Select(name => classSettings.FirstOrDefault(s => s.Key == name && Fits(s, row))).FirstOrDefault(s => s is not null);
            if (bound is not null) bindings.Add(new ConventionBinding(row.Name, bound.Member));
        }
        return bindings;
    }

    static bool Fits(SettingModel setting, Row row) =>
        setting.Kind is SettingKind.Int32 or SettingKind.Int64 || !row.IntegerOnly && setting.Kind is SettingKind.Double or SettingKind.Single;

    /// <summary>
    /// The table name that <paramref name="name"/> probably meant, or null: a name that is none of the table's but
    /// equals one ignoring case (Batchsize), is its initials (LR), or is within a quarter of its length in edits
    /// (TrainingSteps for TrainSteps).
    /// </summary>
    public string? NearMiss(string name)
    {
        var names = rows.SelectMany(r => r.Names).ToList();
        if (names.Contains(name)) return null;
        return names.FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
            ?? names.FirstOrDefault(n => name.Length >= 2 && string.Equals(Initials(n), name, StringComparison.OrdinalIgnoreCase))
            ?? names.Select(n => (Name: n, Distance: Distance(n.ToLowerInvariant(), name.ToLowerInvariant())))
                .Where(c => c.Distance <= Math.Max(1, Math.Max(c.Name.Length, name.Length) / 4))
                .OrderBy(c => c.Distance).Select(c => c.Name).FirstOrDefault();
    }

    static string Initials(string pascal) => new(pascal.Where(char.IsUpper).ToArray());

    /// <summary>The Levenshtein distance (insertions, deletions, substitutions).</summary>
    static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }
}
