using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Research.Generators;

/// <summary>Reads settings: an experiment class's properties, an options record's init properties, constructor parameters with defaults.</summary>
internal static class SettingReader
{
    static readonly SymbolDisplayFormat Full = SymbolDisplayFormat.FullyQualifiedFormat;

    /// <summary>The class's public settable/init properties of a supported type, base classes first; defaults read from a fresh instance.</summary>
    public static List<SettingModel> ClassSettings(INamedTypeSymbol type) =>
        SettableProperties(type).Select(p => Setting(p.Name, p.Name, p.Name, p.Type, null, DocText.Summary(p) ?? p.Name)).ToList();

    /// <summary>The options record's public init properties of a supported type, under `prefix.Name`, or `Name` for an empty prefix (member Run_Name); Seed comes from the experiment when it has one.</summary>
    public static IEnumerable<SettingModel> OptionSettings(string prefix, INamedTypeSymbol options, bool seedFromExperiment) =>
        SettableProperties(options).Where(p => !(seedFromExperiment && p.Name == "Seed"))
            .Select(p => (Property: p, Help: DocText.Summary(p)))
            .Select(x => Setting(prefix.Length == 0 ? x.Property.Name : $"{prefix}.{x.Property.Name}", $"{(prefix.Length == 0 ? "Run" : prefix)}_{x.Property.Name}", x.Property.Name, x.Property.Type, null,
                x.Help ?? $"{options.Name}.{x.Property.Name}", x.Help is null ? x.Property.GetDocumentationCommentId() : null));

    /// <summary>Constructor parameters with defaults of a supported type, under `prefix.Parameter`; the default comes from metadata.</summary>
    public static IEnumerable<SettingModel> ParameterSettings(string prefix, IEnumerable<IParameterSymbol> parameters, string owner) =>
        parameters.Where(p => Kind(p.Type) is not null).Select(p =>
        {
            var pascal = char.ToUpperInvariant(p.Name[0]) + p.Name.Substring(1);
            var help = DocText.ParameterHelp(p);
            return Setting($"{prefix}.{pascal}", $"{prefix}_{pascal}", p.Name, p.Type, Constants.Of(p.Type, p.ExplicitDefaultValue), help ?? $"{owner}({p.Name})",
                help is null && p.ContainingSymbol.GetDocumentationCommentId() is { } method ? $"{method}#{p.Name}" : null);
        });

    /// <summary>A settings group (`Optimizer.*`, `Evaluate.*`, `Tracker.*`, `Repa.*`) from its record's init properties, leaving out <paramref name="taken"/> keys.</summary>
    public static ComponentModel Group(ComponentRole role, string prefix, INamedTypeSymbol record, IEnumerable<string> taken)
    {
        var type = TypeOf(record);
        var settings = OptionSettings(prefix, record, seedFromExperiment: false).Where(s => !taken.Contains(s.Key));
        return new ComponentModel(role, type, type, settings.ToEquatableArray());
    }

    public static SettingModel Setting(string key, string member, string target, ITypeSymbol type, Constant? @default, string help, string? docId = null)
    {
        var kind = Kind(type)!.Value;
        var underlying = Underlying(type);
        var display = kind == SettingKind.Enum ? (underlying ?? type).Name : kind.ToString();
        return new(key, member, target, type.ToDisplayString(Full), (underlying ?? type).ToDisplayString(Full), underlying is not null,
            underlying is null ? display : display + "?", kind, @default, help, docId);
    }

    public static TypeRef TypeOf(ITypeSymbol type) => new(type.ToDisplayString(Full), type.Name);

    /// <summary>The public settable/init instance properties of a supported type, base classes first, each name once.</summary>
    public static IEnumerable<IPropertySymbol> SettableProperties(INamedTypeSymbol type)
    {
        var seen = new HashSet<string>();
        foreach (var t in TypeChain.BaseFirst(type))
            foreach (var p in t.GetMembers().OfType<IPropertySymbol>())
                if (!p.IsStatic && !p.IsIndexer && p.DeclaredAccessibility == Accessibility.Public && p.SetMethod is { DeclaredAccessibility: Accessibility.Public }
                    && Kind(p.Type) is not null && seen.Add(p.Name))
                    yield return p;
    }

    /// <summary>The kind of a supported type; a nullable value type (int?, double?) has its underlying type's kind.</summary>
    public static SettingKind? Kind(ITypeSymbol type) => (Underlying(type) ?? type) switch
    {
        { SpecialType: SpecialType.System_Int32 } => SettingKind.Int32,
        { SpecialType: SpecialType.System_Int64 } => SettingKind.Int64,
        { SpecialType: SpecialType.System_Double } => SettingKind.Double,
        { SpecialType: SpecialType.System_Single } => SettingKind.Single,
        { SpecialType: SpecialType.System_Boolean } => SettingKind.Boolean,
        { SpecialType: SpecialType.System_String } => SettingKind.String,
        { TypeKind: TypeKind.Enum } => SettingKind.Enum,
        _ => null,
    };

    /// <summary>T of a Nullable&lt;T&gt;, else null.</summary>
    static ITypeSymbol? Underlying(ITypeSymbol type) =>
        type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : null;
}
