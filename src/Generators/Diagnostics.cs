using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Research.Generators;

/// <summary>The generator's diagnostics. The ids are stable: tests, docs and suppressions refer to them.</summary>
internal static class Diagnostics
{
    const string Category = "Research.Experiments";

    public static readonly DiagnosticDescriptor NotPartial = new("RSG001", "Experiment class must be a top-level partial class",
        "Experiment class '{0}' must be a top-level, non-generic partial class so the generator can add its configuration", Category, DiagnosticSeverity.Error, true);

    public static readonly DiagnosticDescriptor WrongComponentType = new("RSG002", "Component type does not fit its attribute",
        "[{0}] type '{1}' is not usable as a {2}: {3}", Category, DiagnosticSeverity.Error, true);

    public static readonly DiagnosticDescriptor TwoTimeNeedsJump = new("RSG003", "Two-time interface needs a jump sampler",
        "Interface '{0}' is a two-time model (ITwoTimeModel); sampler '{1}' cannot jump: use a sampler for ITwoTimeModel such as EulerJump", Category, DiagnosticSeverity.Error, true);

    public static readonly DiagnosticDescriptor MissingCapability = new("RSG004", "Sampler needs a capability the interface lacks",
        "Sampler '{0}' needs {1}, which interface '{2}' does not implement{3}", Category, DiagnosticSeverity.Error, true);

    public static readonly DiagnosticDescriptor NonPositiveSteps = new("RSG005", "Sampler steps must be positive",
        "[Sampler] Steps must be > 0, got {0}", Category, DiagnosticSeverity.Error, true);

    public static readonly DiagnosticDescriptor ValueTypeMismatch = new("RSG006", "Value does not match the setting's type",
        "{0} value {1} ({2}) does not match the type {3} of '{4}'", Category, DiagnosticSeverity.Error, true);

    public static readonly DiagnosticDescriptor DuplicateName = new("RSG007", "Two experiments share a name",
        "Experiment name '{0}' is used by both '{1}' and '{2}'", Category, DiagnosticSeverity.Error, true);

    public static readonly DiagnosticDescriptor UnknownDefaultKey = new("RSG008", "[Default] names an unknown setting",
        "[Default] key '{0}' is not a component setting of '{1}'; valid keys: {2}", Category, DiagnosticSeverity.Error, true);

    public static readonly DiagnosticDescriptor MissingComponent = new("RSG009", "Experiment lacks a component attribute",
        "Experiment '{0}' needs a [{1}] attribute", Category, DiagnosticSeverity.Error, true);

    public static readonly DiagnosticDescriptor SettingTwice = new("RSG010", "A setting is given two sources",
        "{0} sets the same setting as the property '{1}' of '{2}'; give its default as the property's initial value instead", Category, DiagnosticSeverity.Error, true);

    public static readonly DiagnosticDescriptor NearMissConvention = new("RSG013", "A property name nearly matches a well-known setting",
        "Property '{0}' is not a well-known setting and keeps no convention; did you mean '{1}'? (the names are the properties of WellKnownSettings and their AlsoNamed aliases)",
        Category, DiagnosticSeverity.Warning, true);

    public static readonly DiagnosticDescriptor SamplerNeedsPath = new("RSG014", "Sampler needs the interface's path",
        "Sampler '{0}' steps with the path coefficients α_t and σ_t (IPathSampler); interface '{1}' has no path (it does not override Interface.Path): give it one, or use an ODE sampler such as Heun",
        Category, DiagnosticSeverity.Error, true);

    static readonly Dictionary<string, DiagnosticDescriptor> All = new[]
    {
        NotPartial, WrongComponentType, TwoTimeNeedsJump, MissingCapability, NonPositiveSteps, ValueTypeMismatch, DuplicateName,
        UnknownDefaultKey, MissingComponent, SettingTwice, NearMissConvention, SamplerNeedsPath,
    }.Concat(ConsistencyDiagnostics.All).ToDictionary(d => d.Id);

    public static DiagnosticDescriptor ById(string id) => All[id];
}
