using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Research.Generators;

/// <summary>Reads an [Experiment] class and its attributes into an <see cref="ExperimentModel"/> plus diagnostics.</summary>
internal static class ExperimentParser
{
    const string Ns = "Research.Framework";
    static readonly SymbolDisplayFormat Full = SymbolDisplayFormat.FullyQualifiedFormat;

    /// <summary>The well-known experiment properties the composition reads (see ExperimentConventions in the framework).</summary>
    static readonly string[] PlanProperties = ["BatchSize", "Seed", "PreviewEvery", "PreviewCount", "SampleCount", "GuidanceScale"];

    /// <summary>
    /// The always-present setting groups: key prefix, attribute, settings record (flat primitive init properties) and the
    /// name of the generated method that builds the record. The attribute's named arguments are defaults of the group's keys.
    /// </summary>
    static readonly (string Prefix, string Attribute, string Record, string Method)[] SettingGroups =
    [
        ("Optimizer", "Optimizer", $"{Ns}.Training.OptimizerSettings", "Optimizer"),
        ("Evaluate", "Evaluate", $"{Ns}.Evaluation.EvaluationSettings", "Evaluation"),
        ("Tracker", "Tracker", $"{Ns}.Tracking.TrackingSettings", "Tracking"),
    ];

    public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancel)
    {
        var type = (INamedTypeSymbol)context.TargetSymbol;
        var syntax = (ClassDeclarationSyntax)context.TargetNode;
        var diagnostics = new List<DiagnosticInfo>();
        var classLocation = LocationInfo.From(syntax.Identifier.GetLocation());
        var experimentAttribute = context.Attributes[0];
        var name = experimentAttribute.ConstructorArguments.FirstOrDefault().Value as string ?? type.Name;
        var fullName = type.ToDisplayString(Full);
        var nameLocation = LocationInfo.From(experimentAttribute.ApplicationSyntaxReference?.GetSyntax(cancel).GetLocation()) ?? classLocation;

        void Report(DiagnosticDescriptor descriptor, LocationInfo? where, params string[] args) =>
            diagnostics.Add(new DiagnosticInfo(descriptor.Id, where ?? classLocation, args.ToEquatableArray()));

        ParseResult Result(ExperimentModel? model) => new(diagnostics.Count == 0 ? model : null, name, fullName, nameLocation, diagnostics.ToEquatableArray());

        if (!syntax.Modifiers.Any(SyntaxKind.PartialKeyword) || type.ContainingType is not null || type.IsGenericType)
        {
            Report(Diagnostics.NotPartial, classLocation, type.Name);
            return Result(null);
        }

        var attributes = type.GetAttributes();
        AttributeData? Find(string attribute)
        {
            var found = attributes.FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == $"{Ns}.Experiments.{attribute}Attribute");
            if (found is null) Report(Diagnostics.MissingComponent, classLocation, name, attribute);
            return found;
        }
        var interfaceAttribute = Find("Interface");
        var networkAttribute = Find("Network");
        var samplerAttribute = Find("Sampler");
        var datasetAttribute = Find("Dataset");
        if (interfaceAttribute is null || networkAttribute is null || samplerAttribute is null || datasetAttribute is null) return Result(null);

        var compilation = context.SemanticModel.Compilation;
        var classSettings = ClassSettings(type);
        bool hasSeed = classSettings.Any(s => s.Key == "Seed");

        var network = Network(networkAttribute, hasSeed, Report);
        var (iface, timeDist) = Interface(interfaceAttribute, hasSeed, Report);
        var (sampler, grid) = Sampler(samplerAttribute, iface.Symbol, Report);
        var dataset = Dataset(datasetAttribute, Report);
        if (network.Model is null || iface.Model is null || sampler.Model is null || dataset.Model is null || timeDist is null)
            return Result(null);

        // The optimizer, evaluation and tracking groups. Their attributes may sit on the class and on base classes:
        // each named argument comes from the nearest attribute that sets it, so a class can change one default of
        // its base's [Evaluate] without losing the others (the image reference, say).
        var groups = SettingGroups.Select((g, i) => Group(compilation, g.Prefix, g.Record, g.Method,
            g.Prefix == "Optimizer" ? classSettings.Where(c => c.Key == "LearningRate").Select(c => c.Key) : [])).ToArray();
        var attributeDefaults = new List<(string Key, TypedConstant Value, AttributeData Attribute)>();
        foreach (var group in SettingGroups)
            foreach (var (argument, value, attribute) in InheritedArguments(type, group.Attribute))
            {
                if (argument == "LearningRate" && classSettings.Any(c => c.Key == "LearningRate"))
                    Report(Diagnostics.SettingTwice, Where(attribute), $"[{group.Attribute}] LearningRate", "LearningRate", name);
                else if (value.Kind != TypedConstantKind.Type)
                    attributeDefaults.Add(($"{group.Prefix}.{argument}", value, attribute));
            }
        var sinks = TrackerSinks(Inherited(type, "Tracker"), Report);
        var imageReference = InheritedArguments(type, "Evaluate").FirstOrDefault(a => a.Name == "Reference") is { Attribute: not null } reference
            ? ImageReferenceSource(reference.Value, reference.Attribute, Report) : null;

        // REPA: an optional wrapper around the interface, with its own `Repa.*` group.
        var repaAttribute = Inherited(type, "Repa");
        var repaSource = repaAttribute is null ? null : RepaSource(repaAttribute, iface.Symbol, network.Symbol, Report);
        var repa = repaAttribute is null ? null : Group(compilation, "Repa", $"{Ns}.Training.RepaSettings", "Repa", []);
        foreach (var (argument, value, attribute) in InheritedArguments(type, "Repa")) attributeDefaults.Add(($"Repa.{argument}", value, attribute));

        var components = new[] { iface.Model, network.Model, sampler.Model, grid, dataset.Model, groups[0], groups[1], groups[2], repa };
        var models = ApplyDefaults(attributes, attributeDefaults, components, name, Report);
        var sweeps = Sweeps(type, classSettings, Report, out var ranges);

        // Only numeric properties follow the convention (integers for the counts, any number for the rates).
        var present = new HashSet<string>(classSettings.Where(s => s.Kind is SettingKind.Int32 or SettingKind.Int64
            || (s.Kind is SettingKind.Double or SettingKind.Single && s.Key is "LearningRate" or "EmaDecay" or "GuidanceScale")).Select(s => s.Key));
        var steps = present.Contains("TrainSteps") ? "TrainSteps" : present.Contains("Steps") ? "Steps" : null;
        var trainer = new List<string>();
        if (steps is not null) trainer.Add($"steps: {steps}");
        if (present.Contains("LearningRate")) trainer.Add("learningRate: LearningRate");
        if (present.Contains("EmaDecay")) trainer.Add("emaDecay: EmaDecay");
        if (present.Contains("LogEvery")) trainer.Add("logEvery: LogEvery");
        if (present.Contains("CheckpointEvery")) trainer.Add("checkpointEvery: CheckpointEvery");
        if (models[5] is not null) trainer.Add("optimizer: Optimizer()");
        var plan = PlanProperties.Where(present.Contains)
            .Select(p => p switch
            {
                "SampleCount" => "FinalSampleCount = checked((int)SampleCount)",
                "BatchSize" => "BatchSize = checked((int)BatchSize)",
                "PreviewCount" => "PreviewCount = checked((int)PreviewCount)",
                "GuidanceScale" => "GuidanceScale = GuidanceScale",
                _ => $"{p} = {p}",
            }).ToList();
        if (models[6] is not null) plan.Add("Evaluations = Evaluation().Schedules()");
        if (imageReference is not null) plan.Add($"ImageReference = new {imageReference}().Reference(Evaluate_CacheRoot, Evaluate_ReferenceSteps)");
        if (models[7] is not null) plan.Add("Tracking = Tracking()");
        if (sinks.Count > 0) plan.Add($"TrackerSinks = [{string.Join(", ", sinks.Select(t => $"runDirectory => new {t}(runDirectory)"))}]");

        cancel.ThrowIfCancellationRequested();
        return Result(new ExperimentModel(
            type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString(),
            type.Name, fullName, name, Summary(type) ?? name, classLocation,
            classSettings.ToEquatableArray(), timeDist,
            models[0]!, models[1]!, models[2]!, models[3], models[4]!,
            new[] { models[5], models[6], models[7], models[8] }.Where(g => g is not null).Select(g => g!).ToEquatableArray(),
            repaSource, imageReference,
            hasSeed, trainer.ToEquatableArray(), plan.ToEquatableArray(), sweeps.ToEquatableArray(), ranges.ToEquatableArray()));
    }

    delegate void Reporter(DiagnosticDescriptor descriptor, LocationInfo? where, params string[] args);

    sealed record Parsed(ComponentModel? Model, INamedTypeSymbol? Symbol);

    static LocationInfo? Where(AttributeData attribute) => LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation());

    static INamedTypeSymbol? TypeArgument(AttributeData attribute) => attribute.ConstructorArguments.FirstOrDefault().Value as INamedTypeSymbol;

    static TypedConstant? Named(AttributeData attribute, string name) =>
        attribute.NamedArguments.Where(a => a.Key == name).Select(a => (TypedConstant?)a.Value).FirstOrDefault();

    // ---- components ----------------------------------------------------------------------------------------------

    static Parsed Network(AttributeData attribute, bool hasSeed, Reporter report)
    {
        var type = TypeArgument(attribute);
        if (type is null || !Implements(type, $"{Ns}.Interfaces.IDiffusionNetwork"))
        {
            report(Diagnostics.WrongComponentType, Where(attribute), "Network", type?.Name ?? "?", "network", "it does not implement IDiffusionNetwork");
            return new(null, type);
        }
        var constructor = type.InstanceConstructors.FirstOrDefault(c => c.DeclaredAccessibility == Accessibility.Public && c.Parameters.Length == 1 && c.Parameters[0].Type is INamedTypeSymbol { TypeKind: TypeKind.Class });
        if (constructor is null)
        {
            report(Diagnostics.WrongComponentType, Where(attribute), "Network", type.Name, "network", "it has no public constructor taking one options record");
            return new(null, type);
        }
        var options = (INamedTypeSymbol)constructor.Parameters[0].Type;
        return new(new ComponentModel(type.ToDisplayString(Full), type.Name, options.ToDisplayString(Full), options.Name,
            OptionSettings("Network", options, "network", hasSeed).ToEquatableArray(), TakesSeed(options, hasSeed)), type);
    }

    static (Parsed Parsed, string? TimeDist) Interface(AttributeData attribute, bool hasSeed, Reporter report)
    {
        var type = TypeArgument(attribute);
        if (type is null || !DerivesFrom(type, $"{Ns}.Interfaces.Interface") || type.IsAbstract)
        {
            report(Diagnostics.WrongComponentType, Where(attribute), "Interface", type?.Name ?? "?", "interface", "it is not a concrete subclass of Research.Framework.Interfaces.Interface");
            return (new(null, type), null);
        }
        var constructor = type.InstanceConstructors.FirstOrDefault(c => c.DeclaredAccessibility == Accessibility.Public && c.Parameters.Length == 3
            && c.Parameters[0].Type.ToDisplayString() == $"{Ns}.Interfaces.IDiffusionNetwork"
            && c.Parameters[1].Type.ToDisplayString() == $"{Ns}.Interfaces.TimeDist");
        if (constructor is null || constructor.Parameters[2].Type is not INamedTypeSymbol options)
        {
            report(Diagnostics.WrongComponentType, Where(attribute), "Interface", type.Name, "interface", "it has no public constructor (IDiffusionNetwork, TimeDist, TOptions?)");
            return (new(null, type), null);
        }
        var timeDist = Named(attribute, "TrainTimeDist") is { } named ? EnumLiteral(named.Type!, named.Value) : $"global::{Ns}.Interfaces.TimeDist.Uniform";
        var timeDistType = constructor.Parameters[1].Type;
        var settings = new List<SettingModel>
        {
            new("Interface.TimeDist", "Interface_TimeDist", "dist", timeDistType.ToDisplayString(Full), timeDistType.Name, SettingKind.Enum, timeDist,
                "distribution of the training times"),
        };
        settings.AddRange(OptionSettings("Interface", options, "@interface", hasSeed));
        return (new(new ComponentModel(type.ToDisplayString(Full), type.Name, options.ToDisplayString(Full), options.Name, settings.ToEquatableArray(), TakesSeed(options, hasSeed)), type), timeDist);
    }

    static (Parsed Sampler, ComponentModel? Grid) Sampler(AttributeData attribute, INamedTypeSymbol? model, Reporter report)
    {
        var type = TypeArgument(attribute);
        var where = Where(attribute);
        if (type is null || !DerivesFrom(type, $"{Ns}.Samplers.Sampler") || type.IsAbstract)
        {
            report(Diagnostics.WrongComponentType, where, "Sampler", type?.Name ?? "?", "sampler", "it is not a concrete subclass of Research.Framework.Samplers.Sampler");
            return (new(null, type), null);
        }
        var constructor = type.InstanceConstructors.FirstOrDefault(c => c.DeclaredAccessibility == Accessibility.Public && c.Parameters.Length >= 1
            && c.Parameters[0].Type.SpecialType == SpecialType.System_Int32
            && c.Parameters.Skip(1).All(p => p.HasExplicitDefaultValue && (IsGrid(p.Type) || Kind(p.Type) is not null)));
        if (constructor is null)
        {
            report(Diagnostics.WrongComponentType, where, "Sampler", type.Name, "sampler", "it has no public constructor (int steps, TimeGrid? grid = null, primitive options with defaults)");
            return (new(null, type), null);
        }
        int steps = Named(attribute, "Steps")?.Value is int s ? s : 32;
        if (steps <= 0) report(Diagnostics.NonPositiveSteps, where, steps.ToString(CultureInfo.InvariantCulture));

        if (model is not null)
        {
            var capability = Capability(type);
            bool twoTime = Implements(model, $"{Ns}.Interfaces.ITwoTimeModel");
            if (ConsistencyDiagnostics.Applies(capability, model, out var mismatch))
            {
                if (mismatch is not null) report(mismatch, where, mismatch == ConsistencyDiagnostics.SamplerNeedsConsistencyModel ? [type.Name, model.Name] : [model.Name, type.Name]);
            }
            else if (twoTime && capability != "ITwoTimeModel")
                report(Diagnostics.TwoTimeNeedsJump, where, model.Name, type.Name);
            else if (capability is not null && !Implements(model, $"{Ns}.Interfaces.{capability}"))
                report(Diagnostics.MissingCapability, where, type.Name, capability, model.Name,
                    capability == "IHasScore" ? " (a stochastic sampler needs the score)" : " (a jump sampler needs a two-time model)");
        }

        var settings = new List<SettingModel>
        {
            new("Sampler.Steps", "Sampler_Steps", constructor.Parameters[0].Name, "int", "Int32", SettingKind.Int32,
                steps.ToString(CultureInfo.InvariantCulture), "number of sampler steps"),
        };
        settings.AddRange(ParameterSettings("Sampler", constructor.Parameters.Skip(1).Where(p => !IsGrid(p.Type)), type.Name));

        ComponentModel? grid = null;
        if (Named(attribute, "Grid")?.Value is INamedTypeSymbol gridType)
        {
            var gridConstructor = gridType.InstanceConstructors.FirstOrDefault(c => c.DeclaredAccessibility == Accessibility.Public
                && c.Parameters.All(p => p.HasExplicitDefaultValue && Kind(p.Type) is not null));
            if (!DerivesFrom(gridType, $"{Ns}.Samplers.TimeGrid") || gridType.IsAbstract || gridConstructor is null)
                report(Diagnostics.WrongComponentType, where, "Sampler(Grid)", gridType.Name, "time grid",
                    "it is not a concrete TimeGrid whose constructor parameters all have defaults");
            else
                grid = new ComponentModel(gridType.ToDisplayString(Full), gridType.Name, null, null,
                    ParameterSettings("Grid", gridConstructor.Parameters, gridType.Name).ToEquatableArray());
        }
        return (new(new ComponentModel(type.ToDisplayString(Full), type.Name, null, null, settings.ToEquatableArray()), type), grid);
    }

    static Parsed Dataset(AttributeData attribute, Reporter report)
    {
        var type = TypeArgument(attribute);
        if (type is null || !Implements(type, $"{Ns}.Data.IDataset") || type.IsAbstract)
        {
            report(Diagnostics.WrongComponentType, Where(attribute), "Dataset", type?.Name ?? "?", "dataset", "it is not a concrete IDataset");
            return new(null, type);
        }
        var constructor = type.InstanceConstructors.FirstOrDefault(c => c.DeclaredAccessibility == Accessibility.Public
            && c.Parameters.All(p => p.HasExplicitDefaultValue && Kind(p.Type) is not null));
        if (constructor is null && LoadOptions(type) is { } options)
            return new(new ComponentModel(type.ToDisplayString(Full), type.Name, options.ToDisplayString(Full), options.Name,
                OptionSettings("Dataset", options, "dataset", hasSeed: false).ToEquatableArray()), type);
        if (constructor is null)
        {
            report(Diagnostics.WrongComponentType, Where(attribute), "Dataset", type.Name, "dataset",
                "it has no public constructor whose parameters all have primitive defaults, nor a public static Load(TOptions) returning it");
            return new(null, type);
        }
        return new(new ComponentModel(type.ToDisplayString(Full), type.Name, null, null,
            ParameterSettings("Dataset", constructor.Parameters, type.Name).ToEquatableArray()), type);
    }

    /// <summary>
    /// The options record of a dataset built by a factory, <c>public static T Load(TOptions options)</c> with a
    /// parameterless-constructible TOptions (e.g. FashionMnist.Load(FashionMnistOptions)), or null.
    /// </summary>
    static INamedTypeSymbol? LoadOptions(INamedTypeSymbol type) =>
        type.GetMembers("Load").OfType<IMethodSymbol>()
            .Where(m => m.IsStatic && m.DeclaredAccessibility == Accessibility.Public && m.Parameters.Length == 1
                && SymbolEqualityComparer.Default.Equals(m.ReturnType, type)
                && m.Parameters[0].Type is INamedTypeSymbol { TypeKind: TypeKind.Class } o
                && o.InstanceConstructors.Any(c => c.DeclaredAccessibility == Accessibility.Public && c.Parameters.Length == 0))
            .Select(m => (INamedTypeSymbol)m.Parameters[0].Type.WithNullableAnnotation(NullableAnnotation.NotAnnotated)).FirstOrDefault();

    /// <summary>The attribute on the class or, failing that, on the nearest base class that carries it.</summary>
    static AttributeData? Inherited(INamedTypeSymbol type, string attribute)
    {
        for (var t = type; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
            if (t.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == $"{Ns}.Experiments.{attribute}Attribute") is { } found)
                return found;
        return null;
    }

    /// <summary>
    /// The named arguments of an attribute over the class and its base classes, each from the nearest attribute that
    /// sets it (the class's own first), with that attribute (for diagnostics' locations).
    /// </summary>
    static List<(string Name, TypedConstant Value, AttributeData Attribute)> InheritedArguments(INamedTypeSymbol type, string attribute)
    {
        var arguments = new List<(string Name, TypedConstant Value, AttributeData Attribute)>();
        for (var t = type; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
            if (t.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == $"{Ns}.Experiments.{attribute}Attribute") is { } found)
                foreach (var argument in found.NamedArguments)
                    if (!arguments.Any(a => a.Name == argument.Key)) arguments.Add((argument.Key, argument.Value, found));
        return arguments;
    }

    /// <summary>
    /// A settings group (`Optimizer.*`, `Evaluate.*`, `Tracker.*`) from its record's init properties, leaving out the
    /// <paramref name="classKeys"/> (an experiment's LearningRate property drives the optimizer's peak rate, so
    /// `Optimizer.LearningRate` would be a second key for it); null when the framework lacks the record.
    /// </summary>
    static ComponentModel? Group(Compilation compilation, string prefix, string record, string method, IEnumerable<string> classKeys)
    {
        if (compilation.GetTypeByMetadataName(record) is not { } options) return null;
        var taken = new HashSet<string>(classKeys.Select(k => $"{prefix}.{k}"));
        var settings = OptionSettings(prefix, options, char.ToLowerInvariant(method[0]) + method.Substring(1), hasSeed: false).Where(s => !taken.Contains(s.Key));
        return new ComponentModel(options.ToDisplayString(Full), method, options.ToDisplayString(Full), options.Name, settings.ToEquatableArray());
    }

    /// <summary>
    /// The encoder source of a [Repa(typeof(T))]: an IFeatureEncoderSource with a public parameterless constructor; the
    /// interface it wraps must have a score and the network must return block features. Null (and RSG002) otherwise.
    /// </summary>
    static string? RepaSource(AttributeData attribute, INamedTypeSymbol? model, INamedTypeSymbol? network, Reporter report)
    {
        var type = TypeArgument(attribute);
        string? problem =
            type is null || type.IsAbstract || !Implements(type, $"{Ns}.Encoders.IFeatureEncoderSource")
                || !type.InstanceConstructors.Any(c => c.DeclaredAccessibility == Accessibility.Public && c.Parameters.Length == 0)
                ? $"'{type?.Name ?? "?"}' is not a concrete IFeatureEncoderSource with a public parameterless constructor"
            : model is not null && !Implements(model, $"{Ns}.Interfaces.IHasScore") ? $"interface '{model.Name}' has no score (IHasScore), which REPA's wrapper needs"
            : network is not null && !Implements(network, $"{Ns}.Interfaces.IFeatureNetwork") ? $"network '{network.Name}' does not return block features (IFeatureNetwork)"
            : null;
        if (problem is null) return type!.ToDisplayString(Full);
        report(Diagnostics.WrongComponentType, Where(attribute), "Repa", type?.Name ?? "?", "REPA encoder source", problem);
        return null;
    }

    /// <summary>The [Evaluate(Reference = typeof(T))] type: an IImageReferenceSource with a public parameterless constructor (RSG002 otherwise); null when absent.</summary>
    static string? ImageReferenceSource(TypedConstant reference, AttributeData attribute, Reporter report)
    {
        if (reference.Value is not INamedTypeSymbol type) return null;
        if (!type.IsAbstract && Implements(type, $"{Ns}.Evaluation.IImageReferenceSource")
            && type.InstanceConstructors.Any(c => c.DeclaredAccessibility == Accessibility.Public && c.Parameters.Length == 0))
            return type.ToDisplayString(Full);
        report(Diagnostics.WrongComponentType, Where(attribute), "Evaluate(Reference)", type.Name, "image reference source",
            "it is not a concrete IImageReferenceSource with a public parameterless constructor");
        return null;
    }

    /// <summary>The extra sink types of a [Tracker(typeof(T), ...)]: each an ITracker with a public constructor taking the run folder's path.</summary>
    static List<string> TrackerSinks(AttributeData? attribute, Reporter report)
    {
        var sinks = new List<string>();
        if (attribute?.ConstructorArguments.FirstOrDefault() is not { Kind: TypedConstantKind.Array } array) return sinks;
        foreach (var value in array.Values)
        {
            var type = value.Value as INamedTypeSymbol;
            bool usable = type is not null && !type.IsAbstract && Implements(type, $"{Ns}.Tracking.ITracker")
                && type.InstanceConstructors.Any(c => c.DeclaredAccessibility == Accessibility.Public && c.Parameters.Length == 1
                    && c.Parameters[0].Type.SpecialType == SpecialType.System_String);
            if (usable) sinks.Add(type!.ToDisplayString(Full));
            else report(Diagnostics.WrongComponentType, Where(attribute), "Tracker", type?.Name ?? "?", "tracker sink",
                "it is not a concrete ITracker with a public constructor taking the run folder's path (string)");
        }
        return sinks;
    }

    static bool TakesSeed(INamedTypeSymbol options, bool hasSeed) => hasSeed && SettableProperties(options).Any(p => p.Name == "Seed");

    /// <summary>The capability C of a sampler deriving from CapabilitySampler&lt;C&gt;, or null.</summary>
    static string? Capability(INamedTypeSymbol sampler)
    {
        for (var t = sampler; t is not null; t = t.BaseType)
            if (t.IsGenericType && t.ConstructedFrom.ToDisplayString() == $"{Ns}.Samplers.CapabilitySampler<TCapability>")
                return t.TypeArguments[0].Name;
        return null;
    }

    static bool IsGrid(ITypeSymbol type) => type.OriginalDefinition.ToDisplayString().TrimEnd('?') == $"{Ns}.Samplers.TimeGrid";

    static bool DerivesFrom(INamedTypeSymbol type, string baseName)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
            if (t.ToDisplayString() == baseName) return true;
        return false;
    }

    static bool Implements(INamedTypeSymbol type, string interfaceName) => type.AllInterfaces.Any(i => i.ToDisplayString() == interfaceName);

    // ---- settings ------------------------------------------------------------------------------------------------

    /// <summary>The class's public settable/init properties of a supported type, base classes first.</summary>
    static List<SettingModel> ClassSettings(INamedTypeSymbol type) =>
        SettableProperties(type).Select(p => Setting(p.Name, p.Name, p.Name, p.Type, $"experiment.{p.Name}", Summary(p) ?? p.Name)).ToList();

    /// <summary>The options record's public init properties of a supported type (Seed comes from the experiment when it has one).</summary>
    static IEnumerable<SettingModel> OptionSettings(string prefix, INamedTypeSymbol options, string instance, bool hasSeed) =>
        SettableProperties(options).Where(p => !(hasSeed && p.Name == "Seed"))
            .Select(p => (Property: p, Help: Summary(p)))
            .Select(x => Setting($"{prefix}.{x.Property.Name}", $"{prefix}_{x.Property.Name}", x.Property.Name, x.Property.Type, $"{instance}.{x.Property.Name}",
                x.Help ?? $"{options.Name}.{x.Property.Name}", x.Help is null ? x.Property.GetDocumentationCommentId() : null));

    /// <summary>Constructor parameters with defaults of a supported type; the default comes from metadata.</summary>
    static IEnumerable<SettingModel> ParameterSettings(string prefix, IEnumerable<IParameterSymbol> parameters, string owner) =>
        parameters.Where(p => Kind(p.Type) is not null).Select(p =>
        {
            var pascal = char.ToUpperInvariant(p.Name[0]) + p.Name.Substring(1);
            var help = ParameterHelp(p);
            return Setting($"{prefix}.{pascal}", $"{prefix}_{pascal}", p.Name, p.Type, Literal(p.Type, p.ExplicitDefaultValue) ?? "default", help ?? $"{owner}({p.Name})",
                help is null && p.ContainingSymbol.GetDocumentationCommentId() is { } method ? $"{method}#{p.Name}" : null);
        });

    static SettingModel Setting(string key, string member, string target, ITypeSymbol type, string @default, string help, string? docId = null)
    {
        var kind = Kind(type)!.Value;
        var nullable = type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } n ? n.TypeArguments[0] : null;
        var display = kind == SettingKind.Enum ? (nullable ?? type).Name : kind.ToString();
        return new(key, member, target, type.ToDisplayString(Full), nullable is null ? display : display + "?", kind, @default, help, docId);
    }

    static IEnumerable<IPropertySymbol> SettableProperties(INamedTypeSymbol type)
    {
        var chain = new List<INamedTypeSymbol>();
        for (var t = type; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType) chain.Insert(0, t);
        var seen = new HashSet<string>();
        foreach (var t in chain)
            foreach (var p in t.GetMembers().OfType<IPropertySymbol>())
                if (!p.IsStatic && !p.IsIndexer && p.DeclaredAccessibility == Accessibility.Public && p.SetMethod is { DeclaredAccessibility: Accessibility.Public }
                    && Kind(p.Type) is not null && seen.Add(p.Name))
                    yield return p;
    }

    /// <summary>The kind of a supported type; a nullable value type (int?, double?) has its underlying type's kind.</summary>
    static SettingKind? Kind(ITypeSymbol type) =>
        type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? Kind(nullable.TypeArguments[0]) : type.SpecialType switch
    {
        SpecialType.System_Int32 => SettingKind.Int32,
        SpecialType.System_Int64 => SettingKind.Int64,
        SpecialType.System_Double => SettingKind.Double,
        SpecialType.System_Single => SettingKind.Single,
        SpecialType.System_Boolean => SettingKind.Boolean,
        SpecialType.System_String => SettingKind.String,
        _ => type.TypeKind == TypeKind.Enum ? SettingKind.Enum : null,
    };

    // ---- defaults and sweeps -------------------------------------------------------------------------------------

    /// <summary>Applies [Default(key, value)] to the component settings; reports unknown keys and mistyped values.</summary>
    /// <remarks>
    /// <paramref name="attributeDefaults"/> (the named arguments of [Optimizer], [Evaluate], [Tracker]) apply first, so a
    /// [Default] for the same key wins.
    /// </remarks>
    static ComponentModel?[] ApplyDefaults(IEnumerable<AttributeData> attributes, IEnumerable<(string Key, TypedConstant Value, AttributeData Attribute)> attributeDefaults,
        ComponentModel?[] components, string experiment, Reporter report)
    {
        var overrides = new Dictionary<string, string>();
        var all = components.Where(c => c is not null).SelectMany(c => c!.Settings).ToList();
        var defaults = attributeDefaults.Concat(attributes
            .Where(a => a.AttributeClass?.ToDisplayString() == $"{Ns}.Experiments.DefaultAttribute" && a.ConstructorArguments.Length == 2 && a.ConstructorArguments[0].Value is string)
            .Select(a => ((string)a.ConstructorArguments[0].Value!, a.ConstructorArguments[1], a)));
        foreach (var (key, value, attribute) in defaults)
        {
            var setting = all.FirstOrDefault(s => s.Key == key);
            if (setting is null)
            {
                report(Diagnostics.UnknownDefaultKey, Where(attribute), key, experiment, string.Join(", ", all.Select(s => s.Key)));
                continue;
            }
            var literal = Convert(value, setting);
            if (literal is null) report(Diagnostics.ValueTypeMismatch, Where(attribute), $"[{attribute.AttributeClass?.Name.Replace("Attribute", "")}]", Display(value), value.Type?.Name ?? "null", setting.DisplayType, key);
            else overrides[key] = literal;
        }
        return components.Select(c => c is null ? null : c with
        {
            Settings = c.Settings.Select(s => overrides.TryGetValue(s.Key, out var d) ? s with { Default = d } : s).ToEquatableArray(),
        }).ToArray();
    }

    static List<SweepModel> Sweeps(INamedTypeSymbol type, List<SettingModel> settings, Reporter report, out List<RangeModel> ranges)
    {
        var sweeps = new List<SweepModel>();
        ranges = [];
        for (var t = type; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
        foreach (var property in t.GetMembers().OfType<IPropertySymbol>())
        {
            var setting = settings.FirstOrDefault(s => s.Key == property.Name);
            if (sweeps.Any(s => s.Key == property.Name) || ranges.Any(r => r.Key == property.Name)) continue;
            foreach (var attribute in property.GetAttributes())
            {
                var attributeName = attribute.AttributeClass?.ToDisplayString();
                if (attributeName == $"{Ns}.Experiments.SweepAttribute")
                {
                    var values = attribute.ConstructorArguments.FirstOrDefault() is { Kind: TypedConstantKind.Array } array ? array.Values : [];
                    var literals = new List<string>();
                    foreach (var value in values)
                    {
                        var literal = setting is null ? null : Convert(value, setting);
                        if (literal is null) report(Diagnostics.ValueTypeMismatch, Where(attribute), "[Sweep]", Display(value), value.Type?.Name ?? "null", setting?.DisplayType ?? property.Type.Name, property.Name);
                        else literals.Add(literal);
                    }
                    if (setting is not null && literals.Count == values.Length && literals.Count > 0)
                        sweeps.Add(new SweepModel(setting.Member, setting.Key, setting.TypeName, literals.ToEquatableArray()));
                }
                else if (attributeName == $"{Ns}.Experiments.SweepRangeAttribute")
                {
                    if (setting is null || setting.Kind is not (SettingKind.Double or SettingKind.Single or SettingKind.Int32 or SettingKind.Int64))
                    {
                        report(Diagnostics.ValueTypeMismatch, Where(attribute), "[SweepRange]", "range", "Double", property.Type.Name, property.Name);
                        continue;
                    }
                    bool log = Named(attribute, "Log")?.Value is true;
                    bool integer = setting.Kind is SettingKind.Int32 or SettingKind.Int64;
                    ranges.Add(new RangeModel(setting.Key, Display(attribute.ConstructorArguments[0]), Display(attribute.ConstructorArguments[1]), log, integer));
                }
            }
        }
        return sweeps;
    }

    /// <summary>The value as a C# literal of the setting's type, or null when its type does not fit (numeric widening allowed).</summary>
    static string? Convert(TypedConstant value, SettingModel setting)
    {
        if (value.IsNull || value.Kind == TypedConstantKind.Array) return (setting.Kind == SettingKind.String || IsNullable(setting)) && value.IsNull ? "null" : null;
        var type = value.Type!;
        var from = Kind(type);
        return (setting.Kind, from) switch
        {
            (SettingKind.Enum, SettingKind.Enum) when type.ToDisplayString(Full) == setting.TypeName => EnumLiteral(type, value.Value),
            (SettingKind.String, SettingKind.String) or (SettingKind.Boolean, SettingKind.Boolean) or (SettingKind.Int32, SettingKind.Int32)
                => Literal(type, value.Value),
            (SettingKind.Int64, SettingKind.Int32 or SettingKind.Int64) => System.Convert.ToInt64(value.Value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture) + "L",
            (SettingKind.Single, SettingKind.Int32 or SettingKind.Int64 or SettingKind.Single) => Number(System.Convert.ToSingle(value.Value, CultureInfo.InvariantCulture)),
            (SettingKind.Double, SettingKind.Int32 or SettingKind.Int64 or SettingKind.Single or SettingKind.Double) => Number(System.Convert.ToDouble(value.Value, CultureInfo.InvariantCulture)),
            _ => null,
        };
    }

    /// <summary>Whether the setting holds a nullable value type (its type name ends in ?).</summary>
    internal static bool IsNullable(SettingModel setting) => setting.Kind != SettingKind.String && setting.TypeName.EndsWith("?");

    static string Display(TypedConstant value) => value.IsNull ? "null" : value.Kind == TypedConstantKind.Array ? "[...]"
        : value.Value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value.Value?.ToString() ?? "null";

    /// <summary>A constant of the given type as C# source.</summary>
    static string? Literal(ITypeSymbol type, object? value)
    {
        if (type.TypeKind == TypeKind.Enum) return EnumLiteral(type, value);
        return value switch
        {
            null => type.IsValueType ? "default" : "null",
            string s => SymbolDisplay.FormatLiteral(s, quote: true),
            bool b => b ? "true" : "false",
            int i => i.ToString(CultureInfo.InvariantCulture),
            long l => l.ToString(CultureInfo.InvariantCulture) + "L",
            double d => Number(d),
            float f => Number(f),
            _ => null,
        };
    }

    static string Number(double d) =>
        double.IsPositiveInfinity(d) ? "double.PositiveInfinity" : double.IsNegativeInfinity(d) ? "double.NegativeInfinity" : double.IsNaN(d) ? "double.NaN"
        : d.ToString("R", CultureInfo.InvariantCulture) is var text && (text.Contains(".") || text.Contains("E")) ? text : text + ".0";

    static string Number(float f) =>
        float.IsPositiveInfinity(f) ? "float.PositiveInfinity" : float.IsNegativeInfinity(f) ? "float.NegativeInfinity" : float.IsNaN(f) ? "float.NaN"
        : f.ToString("R", CultureInfo.InvariantCulture) + "f";

    static string EnumLiteral(ITypeSymbol type, object? value)
    {
        var member = type.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, value));
        var name = type.ToDisplayString(Full);
        return member is null ? $"({name})({System.Convert.ToString(value, CultureInfo.InvariantCulture)})" : $"{name}.{member.Name}";
    }

    // ---- documentation -------------------------------------------------------------------------------------------

    /// <summary>The XML doc summary as one line of plain text (the whole comment when it has no summary element).</summary>
    static string? Summary(ISymbol symbol) => DocText(symbol.GetDocumentationCommentXml(expandIncludes: false), null);

    static string? ParameterHelp(IParameterSymbol parameter) =>
        DocText(parameter.ContainingSymbol.GetDocumentationCommentXml(expandIncludes: false), parameter.Name);

    internal static string? DocText(string? xml, string? parameter)
    {
        if (string.IsNullOrWhiteSpace(xml)) return null;
        try
        {
            var root = XElement.Parse(xml!);
            var element = parameter is null
                ? root.Element("summary") ?? root
                : root.Elements("param").FirstOrDefault(p => (string?)p.Attribute("name") == parameter);
            if (element is null) return null;
            foreach (var reference in element.Descendants().Where(e => e.Name == "see" || e.Name == "paramref" || e.Name == "typeparamref").ToList())
            {
                var target = (string?)reference.Attribute("cref") ?? (string?)reference.Attribute("name") ?? (string?)reference.Attribute("langword") ?? "";
                reference.ReplaceWith(target.Substring(target.LastIndexOf('.') + 1).Replace("T:", ""));
            }
            var text = Regex.Replace(element.Value, @"\s+", " ").Trim();
            return text.Length == 0 ? null : text;
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }
    }
}
