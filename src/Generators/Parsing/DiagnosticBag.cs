using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Research.Generators;

/// <summary>The diagnostics of one parse, each with its location as plain values (they travel apart from the model).</summary>
internal sealed class DiagnosticBag(LocationInfo? fallback)
{
    readonly List<DiagnosticInfo> items = [];

    /// <summary>Whether an error was reported (a warning leaves the experiment emitted).</summary>
    public bool HasErrors => items.Any(d => Diagnostics.ById(d.Id).DefaultSeverity == DiagnosticSeverity.Error);

    /// <summary>Reports <paramref name="descriptor"/> at <paramref name="where"/> (the class's name when null).</summary>
    public void Report(DiagnosticDescriptor descriptor, LocationInfo? where, params string[] args) =>
        items.Add(new DiagnosticInfo(descriptor.Id, where ?? fallback, args.ToEquatableArray()));

    public EquatableArray<DiagnosticInfo> ToArray() => items.ToEquatableArray();

    /// <summary>Where an attribute is applied.</summary>
    public static LocationInfo? Where(AttributeData? attribute) => LocationInfo.From(attribute?.ApplicationSyntaxReference?.GetSyntax().GetLocation());
}
