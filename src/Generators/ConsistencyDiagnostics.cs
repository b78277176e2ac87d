using Microsoft.CodeAnalysis;

namespace Research.Generators;

/// <summary>
/// Pairings of consistency models and samplers that make no sense, as compile errors. A consistency model
/// (IConsistencyModel: sCT, sCD) learns the one-step map to the data, not the ODE's tangent or the score, so an
/// ODE/SDE sampler on it integrates a field nobody trained (RSG012); a consistency sampler needs that map, which a
/// diffusion interface does not have (RSG011).
/// </summary>
internal static class ConsistencyDiagnostics
{
    const string Category = "Research.Experiments";

    public static readonly DiagnosticDescriptor SamplerNeedsConsistencyModel = new("RSG011", "Consistency sampler needs a consistency model",
        "Sampler '{0}' samples consistency models (IConsistencyModel); interface '{1}' is not one: use SctInterface or ScdInterface, or an ODE/SDE sampler such as Heun for a diffusion interface",
        Category, DiagnosticSeverity.Error, true);

    public static readonly DiagnosticDescriptor ConsistencyModelNeedsConsistencySampler = new("RSG012", "Consistency model needs a consistency sampler",
        "Interface '{0}' is a consistency model (IConsistencyModel): it learns the one-step map to the data, not the ODE tangent or the score that sampler '{1}' integrates; use ConsistencySampler",
        Category, DiagnosticSeverity.Error, true);

    /// <summary>The descriptors, for <see cref="Diagnostics.ById"/>.</summary>
    public static readonly DiagnosticDescriptor[] All = [SamplerNeedsConsistencyModel, ConsistencyModelNeedsConsistencySampler];

    /// <summary>
    /// True when the pairing is a consistency question (a consistency sampler or a consistency model is involved; the
    /// generic capability checks then do not apply), with the diagnostic in <paramref name="mismatch"/> when it does not fit.
    /// <paramref name="samplerCapability"/> is the C of a CapabilitySampler&lt;C&gt;, or null.
    /// </summary>
    public static bool Applies(KnownSymbols known, INamedTypeSymbol? samplerCapability, INamedTypeSymbol model, out DiagnosticDescriptor? mismatch)
    {
        bool consistencySampler = KnownSymbols.Is(samplerCapability, known.ConsistencyModel);
        bool consistencyModel = KnownSymbols.Implements(model, known.ConsistencyModel);
        mismatch = consistencySampler == consistencyModel ? null
            : consistencySampler ? SamplerNeedsConsistencyModel : ConsistencyModelNeedsConsistencySampler;
        return consistencySampler || consistencyModel;
    }
}
