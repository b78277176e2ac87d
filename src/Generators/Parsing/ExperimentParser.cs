using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Research.Generators;

/// <summary>
/// Reads an [Experiment] class into an <see cref="ExperimentModel"/> plus diagnostics. The concerns live apart:
/// components (<see cref="ComponentReader"/>), settings (<see cref="SettingReader"/>), defaults and sweeps
/// (<see cref="DefaultsAndSweeps"/>), conventions (<see cref="Conventions"/>) and docs (<see cref="DocText"/>).
/// </summary>
internal static class ExperimentParser
{
    public static ParseResult Parse(GeneratorAttributeSyntaxContext context, KnownSymbols known, CancellationToken cancel)
    {
        var type = (INamedTypeSymbol)context.TargetSymbol;
        var syntax = (ClassDeclarationSyntax)context.TargetNode;
        var diagnostics = new DiagnosticBag(LocationInfo.From(syntax.Identifier.GetLocation()));
        var name = context.Attributes[0].ConstructorArguments.FirstOrDefault().Value as string ?? type.Name;
        var fullName = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);

        ParseResult Result(ExperimentModel? model)
        {
            var emitted = diagnostics.HasErrors ? null : model;
            return new(emitted, new CatalogItem(name, fullName, emitted is not null), diagnostics.ToArray());
        }

        if (!syntax.Modifiers.Any(SyntaxKind.PartialKeyword) || type.ContainingType is not null || type.IsGenericType)
        {
            diagnostics.Report(Diagnostics.NotPartial, null, type.Name);
            return Result(null);
        }

        // A component attribute may sit on a base class (an abstract class that names the model, with experiments
        // deriving from it that change only sizes and steps); the nearest one wins.
        AttributeData? Find(INamedTypeSymbol? attribute, string attributeName)
        {
            var found = DefaultsAndSweeps.Inherited(type, attribute);
            if (found is null) diagnostics.Report(Diagnostics.MissingComponent, null, name, attributeName);
            return found;
        }
        var interfaceAttribute = Find(known.InterfaceAttribute, "Interface");
        var networkAttribute = Find(known.NetworkAttribute, "Network");
        var samplerAttribute = Find(known.SamplerAttribute, "Sampler");
        var datasetAttribute = Find(known.DatasetAttribute, "Dataset");
        if (interfaceAttribute is null || networkAttribute is null || samplerAttribute is null || datasetAttribute is null) return Result(null);

        var classSettings = SettingReader.ClassSettings(type);
        var conventions = Conventions.From(known);
        var bindings = conventions.Bind(classSettings);
        ReportNearMisses(conventions, classSettings, bindings, type, diagnostics);
        bool seed = bindings.Any(b => b.Row == "Seed");

        var components = new ComponentReader(known, diagnostics);
        var (network, networkType) = components.Network(networkAttribute, seed);
        var (iface, interfaceType) = components.Interface(interfaceAttribute, seed);
        var (sampler, grid) = components.Sampler(samplerAttribute, interfaceType);
        var dataset = components.Dataset(datasetAttribute);
        if (network is null || iface is null || sampler is null || dataset is null) return Result(null);

        // The settings groups. Their attributes may sit on the class and on base classes: each named argument comes
        // from the nearest attribute that sets it, so a class can change one default of its base's [Evaluate]
        // without losing the others (the image reference, say). An experiment's LearningRate property drives the
        // optimizer's peak rate, so `Optimizer.LearningRate` is then no key of its own.
        var learningRate = bindings.FirstOrDefault(b => b.Row == "LearningRate");
        string[] optimizerTaken = learningRate is null ? [] : ["Optimizer.LearningRate"];
        var optimizer = Group(ComponentRole.Optimizer, "Optimizer", known.OptimizerSettings, optimizerTaken);
        var evaluation = Group(ComponentRole.Evaluation, "Evaluate", known.EvaluationSettings, []);
        var tracking = Group(ComponentRole.Tracking, "Tracker", known.TrackingSettings, []);
        var compute = Group(ComponentRole.Compute, "", known.ComputeSettings, []);   // --Threads, --Device, --MicroBatch: no prefix
        // --GuidanceScale, --GuidanceMin, --GuidanceMax, --Guide: no prefix; an experiment's own GuidanceScale property
        // (the well-known row) is the scale then, so the group's is no key of its own.
        string[] guidanceTaken = bindings.Any(b => b.Row == "GuidanceScale") ? ["GuidanceScale"] : [];
        var guidance = Group(ComponentRole.Guidance, "", known.GuidanceSettings, guidanceTaken);

        var defaults = new List<DefaultsAndSweeps.DefaultValue>();
        foreach (var argument in DefaultsAndSweeps.InheritedArguments(type, known.OptimizerAttribute, "Optimizer"))
        {
            if (argument.Key == "Optimizer.LearningRate" && learningRate is not null)
                diagnostics.Report(Diagnostics.SettingTwice, DiagnosticBag.Where(argument.Attribute), "[Optimizer] LearningRate", learningRate.Member, name);
            else defaults.Add(argument);
        }
        var evaluateArguments = DefaultsAndSweeps.InheritedArguments(type, known.EvaluateAttribute, "Evaluate");
        defaults.AddRange(evaluateArguments.Where(a => a.Value.Kind != TypedConstantKind.Type));
        defaults.AddRange(DefaultsAndSweeps.InheritedArguments(type, known.TrackerAttribute, "Tracker"));
        var sinks = components.TrackerSinks(DefaultsAndSweeps.Inherited(type, known.TrackerAttribute));
        var imageReference = evaluateArguments.FirstOrDefault(a => a.Key == "Evaluate.Reference") is { Attribute: not null } reference
            ? components.ImageReference(reference.Value, reference.Attribute) : null;

        // REPA: an optional wrapper around the interface, with its own `Repa.*` group.
        RepaModel? repa = null;
        if (DefaultsAndSweeps.Inherited(type, known.RepaAttribute) is { } repaAttribute
            && components.RepaEncoder(repaAttribute, interfaceType, networkType) is { } encoder
            && Group(ComponentRole.Repa, "Repa", known.RepaSettings, []) is { } repaSettings)
        {
            repa = new RepaModel(encoder, repaSettings);
            defaults.AddRange(DefaultsAndSweeps.InheritedArguments(type, known.RepaAttribute, "Repa"));
        }

        var attributes = new DefaultsAndSweeps(known, diagnostics);
        var all = new[] { iface, network, sampler, grid, dataset, optimizer, evaluation, tracking, repa?.Settings, compute, guidance }.Where(c => c is not null).Select(c => c!);
        var overrides = attributes.Check(defaults.Concat(attributes.Defaults(type)), all.SelectMany(c => c.Settings).ToList(), name);
        ComponentModel? Apply(ComponentModel? c) => c is null ? null : attributes.Apply(c, overrides);
        var (sweeps, ranges) = attributes.Sweeps(type, classSettings);

        cancel.ThrowIfCancellationRequested();
        return Result(new ExperimentModel(
            type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString(),
            type.Name, fullName, name, DocText.Summary(type) ?? name,
            classSettings.ToEquatableArray(),
            Apply(iface)!, Apply(network)!, Apply(sampler)!, Apply(grid), Apply(dataset)!,
            Apply(optimizer), Apply(evaluation), Apply(tracking),
            repa is null ? null : repa with { Settings = Apply(repa.Settings)! },
            imageReference, sinks.ToEquatableArray(), bindings.ToEquatableArray(), sweeps.ToEquatableArray(), ranges.ToEquatableArray(), Apply(compute), Apply(guidance)));
    }

    static ComponentModel? Group(ComponentRole role, string prefix, INamedTypeSymbol? record, IEnumerable<string> taken) =>
        record is null ? null : SettingReader.Group(role, prefix, record, taken);

    /// <summary>RSG013 for each class setting that the table does not bind but whose name nearly matches a name of it.</summary>
    static void ReportNearMisses(Conventions conventions, List<SettingModel> classSettings, List<ConventionBinding> bindings, INamedTypeSymbol type, DiagnosticBag diagnostics)
    {
        foreach (var setting in classSettings.Where(s => bindings.All(b => b.Member != s.Member)))
        {
            if (conventions.NearMiss(setting.Key) is not { } meant) continue;
            var property = SettingReader.SettableProperties(type).First(p => p.Name == setting.Key);
            diagnostics.Report(Diagnostics.NearMissConvention, LocationInfo.From(property.Locations.FirstOrDefault()), setting.Key, meant);
        }
    }
}
