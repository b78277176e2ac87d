using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Research.Generators;

/// <summary>Reads the component attributes ([Network], [Interface], [Sampler], [Dataset], [Repa], [Evaluate(Reference)], [Tracker] sinks) and checks their types.</summary>
internal sealed class ComponentReader(KnownSymbols known, DiagnosticBag diagnostics)
{
    /// <summary>The default of `Sampler.Steps` when [Sampler] leaves it out (the one place it is written; the attribute has no initializer).</summary>
    const int DefaultSamplerSteps = 32;

    static INamedTypeSymbol? TypeArgument(AttributeData attribute) => attribute.ConstructorArguments.FirstOrDefault().Value as INamedTypeSymbol;

    public static TypedConstant? Named(AttributeData attribute, string name) =>
        attribute.NamedArguments.Where(a => a.Key == name).Select(a => (TypedConstant?)a.Value).FirstOrDefault();

    static bool HasParameterlessConstructor(INamedTypeSymbol type) =>
        type.InstanceConstructors.Any(c => c.DeclaredAccessibility == Accessibility.Public && c.Parameters.Length == 0);

    void WrongType(AttributeData attribute, string attributeName, INamedTypeSymbol? type, string role, string problem) =>
        diagnostics.Report(Diagnostics.WrongComponentType, DiagnosticBag.Where(attribute), attributeName, type?.Name ?? "?", role, problem);

    public (ComponentModel? Model, INamedTypeSymbol? Symbol) Network(AttributeData attribute, bool seedFromExperiment)
    {
        var type = TypeArgument(attribute);
        if (type is null || !KnownSymbols.Implements(type, known.DiffusionNetwork))
        {
            WrongType(attribute, "Network", type, "network", "it does not implement IDiffusionNetwork");
            return (null, type);
        }
        var constructor = type.InstanceConstructors.FirstOrDefault(c => c.DeclaredAccessibility == Accessibility.Public && c.Parameters.Length == 1 && c.Parameters[0].Type is INamedTypeSymbol { TypeKind: TypeKind.Class });
        if (constructor is null)
        {
            WrongType(attribute, "Network", type, "network", "it has no public constructor taking one options record");
            return (null, type);
        }
        var options = (INamedTypeSymbol)constructor.Parameters[0].Type;
        return (new ComponentModel(ComponentRole.Network, SettingReader.TypeOf(type), SettingReader.TypeOf(options),
            SettingReader.OptionSettings("Network", options, seedFromExperiment && TakesSeed(options)).ToEquatableArray(), seedFromExperiment && TakesSeed(options)), type);
    }

    public (ComponentModel? Model, INamedTypeSymbol? Symbol) Interface(AttributeData attribute, bool seedFromExperiment)
    {
        var type = TypeArgument(attribute);
        if (type is null || !KnownSymbols.DerivesFrom(type, known.Interface) || type.IsAbstract)
        {
            WrongType(attribute, "Interface", type, "interface", "it is not a concrete subclass of Research.Framework.Interfaces.Interface");
            return (null, type);
        }
        var constructor = type.InstanceConstructors.FirstOrDefault(c => c.DeclaredAccessibility == Accessibility.Public && c.Parameters.Length == 3
            && KnownSymbols.Is(c.Parameters[0].Type, known.DiffusionNetwork) && KnownSymbols.Is(c.Parameters[1].Type, known.TimeDist));
        if (constructor is null || constructor.Parameters[2].Type is not INamedTypeSymbol options)
        {
            WrongType(attribute, "Interface", type, "interface", "it has no public constructor (IDiffusionNetwork, TimeDist, TOptions?)");
            return (null, type);
        }
        var timeDistType = constructor.Parameters[1].Type;
        // Without TrainTimeDist: Uniform (the attribute has no initializer; this is the one place the default is written).
        var timeDist = Named(attribute, "TrainTimeDist") is { } named ? Constants.Of(named.Type!, named.Value) : new Constant(SettingKind.Enum, "Uniform");
        var settings = new List<SettingModel>
        {
            SettingReader.Setting("Interface.TimeDist", "Interface_TimeDist", "dist", timeDistType, timeDist, "distribution of the training times"),
        };
        bool seed = seedFromExperiment && TakesSeed(options);
        settings.AddRange(SettingReader.OptionSettings("Interface", options, seed));
        return (new ComponentModel(ComponentRole.Interface, SettingReader.TypeOf(type), SettingReader.TypeOf(options), settings.ToEquatableArray(), seed), type);
    }

    public (ComponentModel? Sampler, ComponentModel? Grid) Sampler(AttributeData attribute, INamedTypeSymbol? model)
    {
        var type = TypeArgument(attribute);
        var where = DiagnosticBag.Where(attribute);
        if (type is null || !KnownSymbols.DerivesFrom(type, known.Sampler) || type.IsAbstract)
        {
            WrongType(attribute, "Sampler", type, "sampler", "it is not a concrete subclass of Research.Framework.Samplers.Sampler");
            return (null, null);
        }
        var constructor = type.InstanceConstructors.FirstOrDefault(c => c.DeclaredAccessibility == Accessibility.Public && c.Parameters.Length >= 1
            && c.Parameters[0].Type.SpecialType == SpecialType.System_Int32
            && c.Parameters.Skip(1).All(p => p.HasExplicitDefaultValue && (IsGrid(p.Type) || SettingReader.Kind(p.Type) is not null)));
        if (constructor is null)
        {
            WrongType(attribute, "Sampler", type, "sampler", "it has no public constructor (int steps, TimeGrid? grid = null, primitive options with defaults)");
            return (null, null);
        }
        int steps = Named(attribute, "Steps")?.Value is int s ? s : DefaultSamplerSteps;
        if (steps <= 0) diagnostics.Report(Diagnostics.NonPositiveSteps, where, steps.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (model is not null) CheckCapability(type, model, where);

        var settings = new List<SettingModel>
        {
            SettingReader.Setting("Sampler.Steps", "Sampler_Steps", constructor.Parameters[0].Name, constructor.Parameters[0].Type,
                Constants.Of(constructor.Parameters[0].Type, steps), "number of sampler steps"),
        };
        settings.AddRange(SettingReader.ParameterSettings("Sampler", constructor.Parameters.Skip(1).Where(p => !IsGrid(p.Type)), type.Name));
        var sampler = new ComponentModel(ComponentRole.Sampler, SettingReader.TypeOf(type), null, settings.ToEquatableArray());
        return (sampler, Named(attribute, "Grid")?.Value is INamedTypeSymbol gridType ? Grid(gridType, attribute) : null);
    }

    ComponentModel? Grid(INamedTypeSymbol gridType, AttributeData attribute)
    {
        var constructor = gridType.InstanceConstructors.FirstOrDefault(c => c.DeclaredAccessibility == Accessibility.Public
            && c.Parameters.All(p => p.HasExplicitDefaultValue && SettingReader.Kind(p.Type) is not null));
        if (!KnownSymbols.DerivesFrom(gridType, known.TimeGrid) || gridType.IsAbstract || constructor is null)
        {
            WrongType(attribute, "Sampler(Grid)", gridType, "time grid", "it is not a concrete TimeGrid whose constructor parameters all have defaults");
            return null;
        }
        return new ComponentModel(ComponentRole.Grid, SettingReader.TypeOf(gridType), null,
            SettingReader.ParameterSettings("Grid", constructor.Parameters, gridType.Name).ToEquatableArray());
    }

    /// <summary>RSG011/RSG012 (consistency pairings), RSG003/RSG004, RSG014 (a path sampler on a path-less interface): the sampler's capability (C of CapabilitySampler&lt;C&gt;) must be one the interface implements.</summary>
    void CheckCapability(INamedTypeSymbol sampler, INamedTypeSymbol model, LocationInfo? where)
    {
        INamedTypeSymbol? capability = null;
        for (var t = sampler; t is not null && capability is null; t = t.BaseType)
            if (KnownSymbols.Is(t, known.CapabilitySampler)) capability = t.TypeArguments[0] as INamedTypeSymbol;
        if (ConsistencyDiagnostics.Applies(known, capability, model, out var mismatch))
        {
            if (mismatch is not null)
                diagnostics.Report(mismatch, where, mismatch == ConsistencyDiagnostics.SamplerNeedsConsistencyModel ? [sampler.Name, model.Name] : [model.Name, sampler.Name]);
        }
        else if (KnownSymbols.Implements(model, known.TwoTimeModel) && !KnownSymbols.Is(capability, known.TwoTimeModel))
            diagnostics.Report(Diagnostics.TwoTimeNeedsJump, where, model.Name, sampler.Name);
        else if (capability is not null && !KnownSymbols.Implements(model, capability))
            diagnostics.Report(Diagnostics.MissingCapability, where, sampler.Name, capability.Name, model.Name,
                KnownSymbols.Is(capability, known.HasScore) ? " (a stochastic sampler needs the score)" : " (a jump sampler needs a two-time model)");
        else if (KnownSymbols.Implements(sampler, known.PathSampler) && KnownSymbols.LacksPath(model, known.Interface))
            diagnostics.Report(Diagnostics.SamplerNeedsPath, where, sampler.Name, model.Name);
    }

    bool IsGrid(ITypeSymbol type) => KnownSymbols.Is(type.WithNullableAnnotation(NullableAnnotation.NotAnnotated), known.TimeGrid);

    public ComponentModel? Dataset(AttributeData attribute)
    {
        var type = TypeArgument(attribute);
        if (type is null || !KnownSymbols.Implements(type, known.Dataset) || type.IsAbstract)
        {
            WrongType(attribute, "Dataset", type, "dataset", "it is not a concrete IDataset");
            return null;
        }
        var constructor = type.InstanceConstructors.FirstOrDefault(c => c.DeclaredAccessibility == Accessibility.Public
            && c.Parameters.All(p => p.HasExplicitDefaultValue && SettingReader.Kind(p.Type) is not null));
        if (constructor is null && LoadOptions(type) is { } options)
            return new ComponentModel(ComponentRole.Dataset, SettingReader.TypeOf(type), SettingReader.TypeOf(options),
                SettingReader.OptionSettings("Dataset", options, seedFromExperiment: false).ToEquatableArray());
        if (constructor is null)
        {
            WrongType(attribute, "Dataset", type, "dataset",
                "it has no public constructor whose parameters all have primitive defaults, nor a public static Load(TOptions) returning it");
            return null;
        }
        return new ComponentModel(ComponentRole.Dataset, SettingReader.TypeOf(type), null,
            SettingReader.ParameterSettings("Dataset", constructor.Parameters, type.Name).ToEquatableArray());
    }

    /// <summary>
    /// The options record of a dataset built by a factory, <c>public static T Load(TOptions options)</c> with a
    /// parameterless-constructible TOptions (e.g. FashionMnist.Load(FashionMnistOptions)), or null.
    /// </summary>
    static INamedTypeSymbol? LoadOptions(INamedTypeSymbol type) =>
        type.GetMembers("Load").OfType<IMethodSymbol>()
            .Where(m => m.IsStatic && m.DeclaredAccessibility == Accessibility.Public && m.Parameters.Length == 1
                && SymbolEqualityComparer.Default.Equals(m.ReturnType, type)
                && m.Parameters[0].Type is INamedTypeSymbol { TypeKind: TypeKind.Class } o && HasParameterlessConstructor(o))
            .Select(m => (INamedTypeSymbol)m.Parameters[0].Type.WithNullableAnnotation(NullableAnnotation.NotAnnotated)).FirstOrDefault();

    /// <summary>
    /// The encoder source of a [Repa(typeof(T))]: an IFeatureEncoderSource with a public parameterless constructor; the
    /// interface it wraps must have a score and the network must return block features. Null (and RSG002) otherwise.
    /// </summary>
    public TypeRef? RepaEncoder(AttributeData attribute, INamedTypeSymbol? model, INamedTypeSymbol? network)
    {
        var type = TypeArgument(attribute);
        string? problem =
            type is null || type.IsAbstract || !KnownSymbols.Implements(type, known.FeatureEncoderSource) || !HasParameterlessConstructor(type)
                ? $"'{type?.Name ?? "?"}' is not a concrete IFeatureEncoderSource with a public parameterless constructor"
            : model is not null && !KnownSymbols.Implements(model, known.HasScore) ? $"interface '{model.Name}' has no score (IHasScore), which REPA's wrapper needs"
            : network is not null && !KnownSymbols.Implements(network, known.FeatureNetwork) ? $"network '{network.Name}' does not return block features (IFeatureNetwork)"
            : null;
        if (problem is null) return SettingReader.TypeOf(type!);
        WrongType(attribute, "Repa", type, "REPA encoder source", problem);
        return null;
    }

    /// <summary>The [Evaluate(Reference = typeof(T))] type: an IImageReferenceSource with a public parameterless constructor (RSG002 otherwise); null when absent.</summary>
    public TypeRef? ImageReference(TypedConstant reference, AttributeData attribute)
    {
        if (reference.Value is not INamedTypeSymbol type) return null;
        if (!type.IsAbstract && KnownSymbols.Implements(type, known.ImageReferenceSource) && HasParameterlessConstructor(type))
            return SettingReader.TypeOf(type);
        WrongType(attribute, "Evaluate(Reference)", type, "image reference source", "it is not a concrete IImageReferenceSource with a public parameterless constructor");
        return null;
    }

    /// <summary>The extra sink types of a [Tracker(typeof(T), ...)]: each an ITracker with a public constructor taking the run folder's path.</summary>
    public List<TypeRef> TrackerSinks(AttributeData? attribute)
    {
        var sinks = new List<TypeRef>();
        if (attribute?.ConstructorArguments.FirstOrDefault() is not { Kind: TypedConstantKind.Array } array) return sinks;
        foreach (var value in array.Values)
        {
            var type = value.Value as INamedTypeSymbol;
            bool usable = type is not null && !type.IsAbstract && KnownSymbols.Implements(type, known.Tracker)
                && type.InstanceConstructors.Any(c => c.DeclaredAccessibility == Accessibility.Public && c.Parameters.Length == 1
                    && c.Parameters[0].Type.SpecialType == SpecialType.System_String);
            if (usable) sinks.Add(SettingReader.TypeOf(type!));
            else WrongType(attribute, "Tracker", type, "tracker sink", "it is not a concrete ITracker with a public constructor taking the run folder's path (string)");
        }
        return sinks;
    }

    static bool TakesSeed(INamedTypeSymbol options) => SettingReader.SettableProperties(options).Any(p => p.Name == "Seed");
}
