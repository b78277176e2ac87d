using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Research.Generators;

// The value-equatable models between the parser and the emitters: strings, records and EquatableArray only (never a
// symbol, a syntax node or a compilation), so an edit that does not change them leaves the pipeline cached.

/// <summary>How a setting's text is parsed.</summary>
internal enum SettingKind { Int32, Int64, Double, Single, Boolean, String, Enum }

/// <summary>
/// One setting: its key (`LearningRate`, `Sampler.Steps`), the member of the generated Configuration that holds it,
/// the name it is passed under (property of the class / options record, or constructor parameter), its type, the C#
/// expression of its default (evaluated in Configuration.Defaults()), and its help text.
/// </summary>
/// <remarks>
/// <paramref name="DocId"/> names the documentation of a setting declared in a referenced assembly (the compiler does not
/// load its XML docs): <see cref="DocComments"/> fills <paramref name="Help"/> from the assembly's XML file when it is an
/// additional file. "P:…" for a property, "M:…#name" for a constructor parameter.
/// </remarks>
internal sealed record SettingModel(string Key, string Member, string Target, string TypeName, string DisplayType, SettingKind Kind, string Default, string Help, string? DocId = null);

/// <summary>A component type (network, interface, sampler, grid, dataset) and its settings in constructor / declaration order.</summary>
internal sealed record ComponentModel(string TypeName, string ShortName, string? OptionsTypeName, string? OptionsShortName, EquatableArray<SettingModel> Settings, bool SeedFromExperiment = false);

/// <summary>A grid-sweep axis: the setting's member and key, and its values as C# literals of the setting's type.</summary>
internal sealed record SweepModel(string Member, string Key, string TypeName, EquatableArray<string> Values);

/// <summary>A sweep range (listed by the plan; the sweep runner samples it).</summary>
internal sealed record RangeModel(string Key, string Min, string Max, bool Log, bool Integer);

/// <summary>A source location as plain values.</summary>
internal sealed record LocationInfo(string Path, TextSpan Span, LinePositionSpan Lines)
{
    public Location ToLocation() => Location.Create(Path, Span, Lines);

    public static LocationInfo? From(Location? location) =>
        location?.SourceTree is null ? null : new(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
}

/// <summary>A diagnostic to report: its descriptor's id, where, and the message arguments.</summary>
internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(Diagnostics.ById(Id), Location?.ToLocation(), [.. Arguments]);
}

/// <summary>Everything the emitters need about one experiment class.</summary>
internal sealed record ExperimentModel(
    string Namespace,
    string ClassName,
    string FullTypeName,
    string Name,
    string Description,
    LocationInfo? Location,
    EquatableArray<SettingModel> ClassSettings,
    string TimeDistMember,
    ComponentModel Interface,
    ComponentModel Network,
    ComponentModel Sampler,
    ComponentModel? Grid,
    ComponentModel Dataset,
    EquatableArray<ComponentModel> Groups,
    string? RepaEncoderSource,
    string? ImageReferenceSource,
    bool HasSeed,
    EquatableArray<string> TrainerArguments,
    EquatableArray<string> PlanAssignments,
    EquatableArray<SweepModel> Sweeps,
    EquatableArray<RangeModel> Ranges);

/// <summary>The parser's result: a model to emit (null when the class is unusable) and the diagnostics found.</summary>
internal sealed record ParseResult(ExperimentModel? Model, string Name, string FullTypeName, LocationInfo? NameLocation, EquatableArray<DiagnosticInfo> Diagnostics);
