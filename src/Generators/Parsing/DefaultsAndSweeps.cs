using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Research.Generators;

/// <summary>
/// The attributes that change defaults (the settings groups' named arguments, [Default]) and the sweep markers
/// ([Sweep], [SweepRange]), over the class and its base classes.
/// </summary>
internal sealed class DefaultsAndSweeps(KnownSymbols known, DiagnosticBag diagnostics)
{
    /// <summary>One default to apply: the setting key, the attribute's value, and the attribute (for diagnostics).</summary>
    public readonly record struct DefaultValue(string Key, TypedConstant Value, AttributeData Attribute);

    /// <summary>The attribute on the class or, failing that, on the nearest base class that carries it.</summary>
    public static AttributeData? Inherited(INamedTypeSymbol type, INamedTypeSymbol? attribute)
    {
        for (var t = type; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
            if (t.GetAttributes().FirstOrDefault(a => KnownSymbols.Is(a.AttributeClass, attribute)) is { } found)
                return found;
        return null;
    }

    /// <summary>
    /// The named arguments of an attribute over the class and its base classes, each from the nearest attribute that
    /// sets it (the class's own first), as defaults of `prefix.Name`.
    /// </summary>
    public static List<DefaultValue> InheritedArguments(INamedTypeSymbol type, INamedTypeSymbol? attribute, string prefix)
    {
        var arguments = new List<DefaultValue>();
        for (var t = type; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
            if (t.GetAttributes().FirstOrDefault(a => KnownSymbols.Is(a.AttributeClass, attribute)) is { } found)
                foreach (var argument in found.NamedArguments)
                    if (!arguments.Any(a => a.Key == $"{prefix}.{argument.Key}")) arguments.Add(new DefaultValue($"{prefix}.{argument.Key}", argument.Value, found));
        return arguments;
    }

    /// <summary>
    /// The [Default(key, value)] attributes of the class and its base classes, the farthest base first, so that a
    /// class's own [Default] wins over its base's for the same key (<see cref="Check"/>: a later one wins).
    /// </summary>
    public IEnumerable<DefaultValue> Defaults(INamedTypeSymbol type) => TypeChain.BaseFirst(type).SelectMany(t => t.GetAttributes())
            .Where(a => KnownSymbols.Is(a.AttributeClass, known.DefaultAttribute) && a.ConstructorArguments.Length == 2 && a.ConstructorArguments[0].Value is string)
            .Select(a => new DefaultValue((string)a.ConstructorArguments[0].Value!, a.ConstructorArguments[1], a));

    /// <summary>The component with the checked defaults of <see cref="Check"/> in place of its settings' own.</summary>
    public ComponentModel Apply(ComponentModel component, IReadOnlyDictionary<string, Constant> overrides) => component with
    {
        Settings = component.Settings.Select(s => overrides.TryGetValue(s.Key, out var d) ? s with { Default = d } : s).ToEquatableArray(),
    };

    /// <summary>
    /// The constants of <paramref name="defaults"/> by key, in order (a later one for the same key wins: a [Default]
    /// over a group attribute's argument); reports unknown keys (RSG008) and mistyped values (RSG006).
    /// </summary>
    public Dictionary<string, Constant> Check(IEnumerable<DefaultValue> defaults, IReadOnlyList<SettingModel> settings, string experiment)
    {
        var overrides = new Dictionary<string, Constant>();
        foreach (var (key, value, attribute) in defaults)
        {
            var setting = settings.FirstOrDefault(s => s.Key == key);
            if (setting is null)
            {
                diagnostics.Report(Diagnostics.UnknownDefaultKey, DiagnosticBag.Where(attribute), key, experiment, string.Join(", ", settings.Select(s => s.Key)));
                continue;
            }
            if (Constants.Convert(value, setting) is { } constant) overrides[key] = constant;
            else diagnostics.Report(Diagnostics.ValueTypeMismatch, DiagnosticBag.Where(attribute), $"[{AttributeName(attribute)}]",
                Constants.Display(value), value.Type?.Name ?? "null", setting.DisplayType, key);
        }
        return overrides;
    }

    static string AttributeName(AttributeData attribute)
    {
        var name = attribute.AttributeClass?.Name ?? "";
        return name.EndsWith("Attribute") ? name.Substring(0, name.Length - "Attribute".Length) : name;
    }

    /// <summary>The [Sweep] and [SweepRange] markers of the class's properties (the nearest declaration of each name wins).</summary>
    public (List<SweepModel> Sweeps, List<RangeModel> Ranges) Sweeps(INamedTypeSymbol type, IReadOnlyList<SettingModel> settings)
    {
        var sweeps = new List<SweepModel>();
        var ranges = new List<RangeModel>();
        for (var t = type; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
        foreach (var property in t.GetMembers().OfType<IPropertySymbol>())
        {
            if (sweeps.Any(s => s.Key == property.Name) || ranges.Any(r => r.Key == property.Name)) continue;
            var setting = settings.FirstOrDefault(s => s.Key == property.Name);
            foreach (var attribute in property.GetAttributes())
            {
                if (KnownSymbols.Is(attribute.AttributeClass, known.SweepAttribute) && Sweep(attribute, property, setting) is { } sweep) sweeps.Add(sweep);
                else if (KnownSymbols.Is(attribute.AttributeClass, known.SweepRangeAttribute) && Range(attribute, property, setting) is { } range) ranges.Add(range);
            }
        }
        return (sweeps, ranges);
    }

    SweepModel? Sweep(AttributeData attribute, IPropertySymbol property, SettingModel? setting)
    {
        var values = attribute.ConstructorArguments.FirstOrDefault() is { Kind: TypedConstantKind.Array } array ? array.Values : [];
        var constants = new List<Constant>();
        foreach (var value in values)
        {
            if (setting is not null && Constants.Convert(value, setting) is { } constant) constants.Add(constant);
            else diagnostics.Report(Diagnostics.ValueTypeMismatch, DiagnosticBag.Where(attribute), "[Sweep]", Constants.Display(value), value.Type?.Name ?? "null",
                setting?.DisplayType ?? property.Type.Name, property.Name);
        }
        return setting is not null && constants.Count == values.Length && constants.Count > 0
            ? new SweepModel(setting.Key, constants.ToEquatableArray()) : null;
    }

    RangeModel? Range(AttributeData attribute, IPropertySymbol property, SettingModel? setting)
    {
        if (setting is null || setting.Kind is not (SettingKind.Double or SettingKind.Single or SettingKind.Int32 or SettingKind.Int64))
        {
            diagnostics.Report(Diagnostics.ValueTypeMismatch, DiagnosticBag.Where(attribute), "[SweepRange]", "range", "Double", property.Type.Name, property.Name);
            return null;
        }
        bool log = ComponentReader.Named(attribute, "Log")?.Value is true;
        return new RangeModel(setting.Key, Constants.Number(attribute.ConstructorArguments[0]), Constants.Number(attribute.ConstructorArguments[1]), log,
            Integer: setting.Kind is SettingKind.Int32 or SettingKind.Int64);
    }
}
