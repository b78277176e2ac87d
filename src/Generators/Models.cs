using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis.Text;

namespace Research.Generators;

// The value-equatable models between the parser and the emitters: plain facts (kinds, names, literals' invariant text,
// records and EquatableArray), never a symbol, a syntax node, a location or a C# fragment, so an edit that does not
// change the facts (an unrelated file, a class moved down a line) leaves the generated output cached. The emitters
// write every C# token.

/// <summary>How a setting's text is parsed.</summary>
internal enum SettingKind { Int32, Int64, Double, Single, Boolean, String, Enum }

/// <summary>A type by its fully qualified name (global::…) and its simple name.</summary>
internal sealed record TypeRef(string FullName, string Name);

/// <summary>
/// A constant: its kind and invariant text (a number in round-trip form, a bool as true/false, a string as is, an
/// enum member by name, or by number when <paramref name="EnumNumber"/>); <paramref name="Text"/> null is the null constant.
/// </summary>
internal sealed record Constant(SettingKind Kind, string? Text, bool EnumNumber = false);

/// <summary>
/// One setting: its key (`LearningRate`, `Sampler.Steps`), the member of the generated Configuration that holds it,
/// the name it is passed under (property of the class / options record, or constructor parameter), its type (and,
/// for a nullable value type, the underlying one), its default and its help text.
/// </summary>
/// <remarks>
/// <c>Default</c> is a constant (an attribute value, a [Default], a parameter's default), or null: the owner's initial
/// value, read from a fresh instance of the class or options record. <c>DocId</c> is the documentation id of a setting
/// declared in a referenced assembly (the compiler does not load its XML docs): <see cref="DocComments"/> fills
/// <c>Help</c> from the assembly's XML file when it is an additional file. "P:…" for a property, "M:…#name" for a
/// constructor parameter.
/// </remarks>
internal sealed record SettingModel(string Key, string Member, string Target, string TypeName, string ValueTypeName, bool Nullable,
    string DisplayType, SettingKind Kind, Constant? Default, string Help, string? DocId = null);

/// <summary>What a component is to the experiment: it decides how the emitter builds and names it.</summary>
internal enum ComponentRole { Interface, Network, Sampler, Grid, Dataset, Optimizer, Evaluation, Tracking, Repa, Compute, Guidance }

/// <summary>A component (network, interface, sampler, grid, dataset, settings group), its options record, and its settings in declaration order.</summary>
internal sealed record ComponentModel(ComponentRole Role, TypeRef Type, TypeRef? Options, EquatableArray<SettingModel> Settings, bool SeedFromExperiment = false);

/// <summary>An experiment property bound to a row of the framework's WellKnownSettings table.</summary>
/// <param name="Row">The row's (canonical) name, a property of WellKnownSettings.</param>
/// <param name="Member">The configuration member that holds the experiment's property.</param>
internal sealed record ConventionBinding(string Row, string Member);

/// <summary>A [Sweep] marker: the class setting's key and its values.</summary>
internal sealed record SweepModel(string Key, EquatableArray<Constant> Values);

/// <summary>A [SweepRange] marker (listed by the plan; the sweep runner samples it).</summary>
internal sealed record RangeModel(string Key, double Min, double Max, bool Log, bool Integer);

/// <summary>REPA around the interface: the encoder source and the `Repa.*` settings group.</summary>
internal sealed record RepaModel(TypeRef EncoderSource, ComponentModel Settings);

/// <summary>Everything the emitters need about one experiment class.</summary>
internal sealed record ExperimentModel(
    string Namespace,
    string ClassName,
    string FullTypeName,
    string Name,
    string Description,
    EquatableArray<SettingModel> ClassSettings,
    ComponentModel Interface,
    ComponentModel Network,
    ComponentModel Sampler,
    ComponentModel? Grid,
    ComponentModel Dataset,
    ComponentModel? Optimizer,
    ComponentModel? Evaluation,
    ComponentModel? Tracking,
    RepaModel? Repa,
    TypeRef? ImageReference,
    EquatableArray<TypeRef> TrackerSinks,
    EquatableArray<ConventionBinding> Conventions,
    EquatableArray<SweepModel> Sweeps,
    EquatableArray<RangeModel> Ranges,
    ComponentModel? Compute = null,
    ComponentModel? Guidance = null)
{
    /// <summary>The settings groups the framework has, in key order (Optimizer.*, Evaluate.*, Tracker.*, Repa.*, then the unprefixed compute and guidance settings).</summary>
    public IEnumerable<ComponentModel> Groups =>
        new[] { Optimizer, Evaluation, Tracking, Repa?.Settings, Compute, Guidance }.Where(g => g is not null).Select(g => g!);

    /// <summary>Every component, the settings groups last.</summary>
    public IEnumerable<ComponentModel> Components =>
        new[] { Interface, Network, Sampler, Grid, Dataset }.Where(c => c is not null).Select(c => c!).Concat(Groups);
}

/// <summary>A source location as plain values, for diagnostics only (never in a model).</summary>
internal sealed record LocationInfo(string Path, TextSpan Span, LinePositionSpan Lines)
{
    public Microsoft.CodeAnalysis.Location ToLocation() => Microsoft.CodeAnalysis.Location.Create(Path, Span, Lines);

    public static LocationInfo? From(Microsoft.CodeAnalysis.Location? location) =>
        location?.SourceTree is null ? null : new(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
}

/// <summary>A diagnostic to report: its descriptor's id, where, and the message arguments.</summary>
internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public Microsoft.CodeAnalysis.Diagnostic ToDiagnostic() =>
        Microsoft.CodeAnalysis.Diagnostic.Create(Diagnostics.ById(Id), Location?.ToLocation(), [.. Arguments]);
}

/// <summary>One experiment as the catalog sees it (emitted: it had no errors).</summary>
internal sealed record CatalogItem(string Name, string FullTypeName, bool Emitted);

/// <summary>The parser's result: the model to emit (null when the class is unusable), its catalog entry, and the diagnostics found (which alone carry locations).</summary>
internal sealed record ParseResult(ExperimentModel? Model, CatalogItem Item, EquatableArray<DiagnosticInfo> Diagnostics);
