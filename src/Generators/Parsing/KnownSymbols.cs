using System.Linq;
using Microsoft.CodeAnalysis;

namespace Research.Generators;

/// <summary>
/// The framework symbols the parser tests against, resolved once per compilation by metadata name and compared with
/// <see cref="SymbolEqualityComparer"/> (never by display string). A symbol is null when the compilation lacks it.
/// </summary>
internal sealed class KnownSymbols(Compilation compilation)
{
    const string Ns = "Research.Framework";

    public INamedTypeSymbol? Interface { get; } = Get(compilation, $"{Ns}.Interfaces.Interface");
    public INamedTypeSymbol? DiffusionNetwork { get; } = Get(compilation, $"{Ns}.Interfaces.IDiffusionNetwork");
    public INamedTypeSymbol? TimeDist { get; } = Get(compilation, $"{Ns}.Interfaces.TimeDist");
    public INamedTypeSymbol? TwoTimeModel { get; } = Get(compilation, $"{Ns}.Interfaces.ITwoTimeModel");
    public INamedTypeSymbol? HasScore { get; } = Get(compilation, $"{Ns}.Interfaces.IHasScore");
    public INamedTypeSymbol? ConsistencyModel { get; } = Get(compilation, $"{Ns}.Interfaces.Consistency.IConsistencyModel");
    public INamedTypeSymbol? FeatureNetwork { get; } = Get(compilation, $"{Ns}.Interfaces.IFeatureNetwork");
    public INamedTypeSymbol? Sampler { get; } = Get(compilation, $"{Ns}.Samplers.Sampler");
    /// <summary>The open generic CapabilitySampler&lt;TCapability&gt;.</summary>
    public INamedTypeSymbol? CapabilitySampler { get; } = Get(compilation, $"{Ns}.Samplers.CapabilitySampler`1");
    public INamedTypeSymbol? PathSampler { get; } = Get(compilation, $"{Ns}.Samplers.IPathSampler");
    public INamedTypeSymbol? TimeGrid { get; } = Get(compilation, $"{Ns}.Samplers.TimeGrid");
    public INamedTypeSymbol? Dataset { get; } = Get(compilation, $"{Ns}.Data.IDataset");
    public INamedTypeSymbol? FeatureEncoderSource { get; } = Get(compilation, $"{Ns}.Encoders.IFeatureEncoderSource");
    public INamedTypeSymbol? ImageReferenceSource { get; } = Get(compilation, $"{Ns}.Evaluation.IImageReferenceSource");
    public INamedTypeSymbol? Tracker { get; } = Get(compilation, $"{Ns}.Tracking.ITracker");
    public INamedTypeSymbol? InterfaceAttribute { get; } = Attribute(compilation, "Interface");
    public INamedTypeSymbol? NetworkAttribute { get; } = Attribute(compilation, "Network");
    public INamedTypeSymbol? SamplerAttribute { get; } = Attribute(compilation, "Sampler");
    public INamedTypeSymbol? DatasetAttribute { get; } = Attribute(compilation, "Dataset");
    public INamedTypeSymbol? DefaultAttribute { get; } = Attribute(compilation, "Default");
    public INamedTypeSymbol? OptimizerAttribute { get; } = Attribute(compilation, "Optimizer");
    public INamedTypeSymbol? EvaluateAttribute { get; } = Attribute(compilation, "Evaluate");
    public INamedTypeSymbol? TrackerAttribute { get; } = Attribute(compilation, "Tracker");
    public INamedTypeSymbol? RepaAttribute { get; } = Attribute(compilation, "Repa");
    public INamedTypeSymbol? SweepAttribute { get; } = Attribute(compilation, "Sweep");
    public INamedTypeSymbol? SweepRangeAttribute { get; } = Attribute(compilation, "SweepRange");
    public INamedTypeSymbol? AlsoNamedAttribute { get; } = Attribute(compilation, "AlsoNamed");
    public INamedTypeSymbol? OptimizerSettings { get; } = Get(compilation, $"{Ns}.Training.OptimizerSettings");
    public INamedTypeSymbol? EvaluationSettings { get; } = Get(compilation, $"{Ns}.Evaluation.EvaluationSettings");
    public INamedTypeSymbol? TrackingSettings { get; } = Get(compilation, $"{Ns}.Tracking.TrackingSettings");
    public INamedTypeSymbol? RepaSettings { get; } = Get(compilation, $"{Ns}.Training.RepaSettings");
    /// <summary>The run-level compute settings (Threads, Device, MicroBatch), listed without a prefix.</summary>
    public INamedTypeSymbol? ComputeSettings { get; } = Get(compilation, $"{Ns}.Compute.ComputeSettings");
    /// <summary>The run-level guidance settings (GuidanceScale, GuidanceMin, GuidanceMax, Guide), listed without a prefix.</summary>
    public INamedTypeSymbol? GuidanceSettings { get; } = Get(compilation, $"{Ns}.Samplers.GuidanceSettings");
    /// <summary>The table of well-known experiment properties (see <see cref="Conventions"/>).</summary>
    public INamedTypeSymbol? WellKnownSettings { get; } = Get(compilation, $"{Ns}.Experiments.WellKnownSettings");

    public static bool Is(ITypeSymbol? type, INamedTypeSymbol? known) =>
        type is not null && known is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, known);

    /// <summary>Whether <paramref name="type"/> derives from the class <paramref name="known"/> (not counting itself).</summary>
    public static bool DerivesFrom(INamedTypeSymbol type, INamedTypeSymbol? known)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
            if (Is(t, known)) return true;
        return false;
    }

    public static bool Implements(INamedTypeSymbol type, INamedTypeSymbol? known) => type.AllInterfaces.Any(i => Is(i, known));

    /// <summary>
    /// Whether an interface type certainly has no path: no class between it and <paramref name="baseInterface"/> overrides
    /// the base's <c>Path</c> (which returns null). An override, even one that may return null (a wrapper), counts as a path.
    /// </summary>
    public static bool LacksPath(INamedTypeSymbol type, INamedTypeSymbol? baseInterface)
    {
        for (INamedTypeSymbol? t = type; t is not null && !Is(t, baseInterface); t = t.BaseType)
            if (t.GetMembers("Path").OfType<IPropertySymbol>().Any(p => p.IsOverride)) return false;
        return baseInterface is not null;
    }

    static INamedTypeSymbol? Get(Compilation compilation, string metadataName) => compilation.GetTypeByMetadataName(metadataName);

    static INamedTypeSymbol? Attribute(Compilation compilation, string name) => Get(compilation, $"{Ns}.Experiments.{name}Attribute");
}
