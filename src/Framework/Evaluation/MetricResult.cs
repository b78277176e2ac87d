using System.Globalization;

namespace Research.Framework.Evaluation;

/// <summary>
/// One reported number with the protocol that produced it. Numbers are compared only through <see cref="Difference"/>,
/// which refuses different metrics or protocols, so an FD on 500 samples is never set against one on 50,000, nor an
/// Inception FD against a Fashion-MNIST-feature FD.
/// </summary>
public sealed record MetricResult(string Name, double Value, EvaluationProtocol Protocol)
{
    /// <summary>Computed on fewer samples than the protocol's minimum: indicative only.</summary>
    public bool IsPreview => Protocol.IsPreview;

    /// <summary>The name with a "(preview)" suffix when it is one, e.g. for log keys.</summary>
    public string Label => IsPreview ? $"{Name} (preview)" : Name;

    /// <summary>this.Value − other.Value; throws when the names or the protocols differ.</summary>
    public double Difference(MetricResult other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Name != Name) throw new InvalidOperationException($"Cannot compare metric '{Name}' with '{other.Name}'.");
        Protocol.RequireSame(other.Protocol);
        return Value - other.Value;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Label} = {Value.ToString("G6", CultureInfo.InvariantCulture)} [{Protocol.Extractor}, n = {Protocol.Samples}, protocol {Protocol.Hash()[..12]}]";
}
