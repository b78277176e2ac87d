using System.Linq;
using Microsoft.CodeAnalysis;

namespace Research.Generators;

/// <summary>
/// The framework symbols the parser tests against, resolved once per compilation by metadata name and compared with
/// <see cref="SymbolEqualityComparer"/> (never by display string). A symbol is null when the compilation lacks it.
/// </summary>
internal sealed class KnownSymbols
{
    const string Ns = "Research.Framework";
    public static KnownSymbols From(Compilation compilation) => new()
    {
        Interface = Get(compilation, $"{Ns}.Interfaces.Interface"),
        DiffusionNetwork = Get(compilation, $"{Ns}.Interfaces.IDiffusionNetwork"),
        TimeDist = Get(compilation, $"{Ns}.Interfaces.TimeDist"),
        TwoTimeModel = Get(compilation, $"{Ns}.Interfaces.ITwoTimeModel"),
        HasScore = Get(compilation, $"{Ns}.Interfaces.IHasScore"),
        FeatureNetwork = Get(compilation, $"{Ns}.Interfaces.IFeatureNetwork"),
        Sampler = Get(compilation, $"{Ns}.Samplers.Sampler"),
        CapabilitySampler = Get(compilation, $"{Ns}.Samplers.CapabilitySampler`1"),
        TimeGrid = Get(compilation, $"{Ns}.Samplers.TimeGrid"),
        Dataset = Get(compilation, $"{Ns}.Data.IDataset"),
        FeatureEncoderSource = Get(compilation, $"{Ns}.Encoders.IFeatureEncoderSource"),
        ImageReferenceSource = Get(compilation, $"{Ns}.Evaluation.IImageReferenceSource"),
        Tracker = Get(compilation, $"{Ns}.Tracking.ITracker"),
        InterfaceAttribute = Attribute(compilation, "Interface"),
        NetworkAttribute = Attribute(compilation, "Network"),
        SamplerAttribute = Attribute(compilation, "Sampler"),
        DatasetAttribute = Attribute(compilation, "Dataset"),
        DefaultAttribute = Attribute(compilation, "Default"),
        OptimizerAttribute = Attribute(compilation, "Optimizer"),
        EvaluateAttribute = Attribute(compilation, "Evaluate"),
        TrackerAttribute = Attribute(compilation, "Tracker"),
        RepaAttribute = Attribute(compilation, "Repa"),
        SweepAttribute = Attribute(compilation, "Sweep"),
        SweepRangeAttribute = Attribute(compilation, "SweepRange"),
        AlsoNamedAttribute = Attribute(compilation, "AlsoNamed"),
        OptimizerSettings = Get(compilation, $"{Ns}.Training.OptimizerSettings"),
        EvaluationSettings = Get(compilation, $"{Ns}.Evaluation.EvaluationSettings"),
        TrackingSettings = Get(compilation, $"{Ns}.Tracking.TrackingSettings"),
        RepaSettings = Get(compilation, $"{Ns}.Training.RepaSettings"),
        WellKnownSettings = Get(compilation, $"{Ns}.Experiments.WellKnownSettings"),
    };

    public INamedTypeSymbol? Interface { get; private init; }
    public INamedTypeSymbol? DiffusionNetwork { get; private init; }
    public INamedTypeSymbol? TimeDist { get; private init; }
    public INamedTypeSymbol? TwoTimeModel { get; private init; }
    public INamedTypeSymbol? HasScore { get; private init; }
    public INamedTypeSymbol? FeatureNetwork { get; private init; }
    public INamedTypeSymbol? Sampler { get; private init; }
    /// <summary>The open generic CapabilitySampler&lt;TCapability&gt;.</summary>
    public INamedTypeSymbol? CapabilitySampler { get; private init; }
    public INamedTypeSymbol? TimeGrid { get; private init; }
    public INamedTypeSymbol? Dataset { get; private init; }
    public INamedTypeSymbol? FeatureEncoderSource { get; private init; }
    public INamedTypeSymbol? ImageReferenceSource { get; private init; }
    public INamedTypeSymbol? Tracker { get; private init; }
    public INamedTypeSymbol? InterfaceAttribute { get; private init; }
    public INamedTypeSymbol? NetworkAttribute { get; private init; }
    public INamedTypeSymbol? SamplerAttribute { get; private init; }
    public INamedTypeSymbol? DatasetAttribute { get; private init; }
    public INamedTypeSymbol? DefaultAttribute { get; private init; }
    public INamedTypeSymbol? OptimizerAttribute { get; private init; }
    public INamedTypeSymbol? EvaluateAttribute { get; private init; }
    public INamedTypeSymbol? TrackerAttribute { get; private init; }
    public INamedTypeSymbol? RepaAttribute { get; private init; }
    public INamedTypeSymbol? SweepAttribute { get; private init; }
    public INamedTypeSymbol? SweepRangeAttribute { get; private init; }
    public INamedTypeSymbol? AlsoNamedAttribute { get; private init; }
    public INamedTypeSymbol? OptimizerSettings { get; private init; }
    public INamedTypeSymbol? EvaluationSettings { get; private init; }
    public INamedTypeSymbol? TrackingSettings { get; private init; }
    public INamedTypeSymbol? RepaSettings { get; private init; }
    /// <summary>The table of well-known experiment properties (see <see cref="Conventions"/>).</summary>
    public INamedTypeSymbol? WellKnownSettings { get; private init; }

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

    static INamedTypeSymbol? Get(Compilation compilation, string metadataName) => compilation.GetTypeByMetadataName(metadataName);

    static INamedTypeSymbol? Attribute(Compilation compilation, string name) => Get(compilation, $"{Ns}.Experiments.{name}Attribute");
}
