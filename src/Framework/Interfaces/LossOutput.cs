using System.Collections;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Interfaces;

/// <summary>
/// The result of <see cref="Interface.Loss(Tensor, Conditioning?)"/>: a read-only dictionary of per-sample loss terms (B) that always
/// holds <c>"loss"</c> (the term to optimise; wrappers such as REPA add more), plus the auxiliary network output
/// and features that wrappers build on.
/// </summary>
public sealed class LossOutput : IReadOnlyDictionary<string, Tensor>
{
    /// <summary>The key of the term that training minimises.</summary>
    public const string LossKey = "loss";

    readonly IReadOnlyDictionary<string, Tensor> terms;

    /// <summary>Creates the output; <paramref name="terms"/> must hold <see cref="LossKey"/>.</summary>
    public LossOutput(IReadOnlyDictionary<string, Tensor> terms, Tensor networkOutput, IReadOnlyList<Tensor> features)
    {
        if (!terms.ContainsKey(LossKey))
            throw new ArgumentException($"A loss output must contain the key '{LossKey}'; it has: {string.Join(", ", terms.Keys)}.", nameof(terms));
        this.terms = terms;
        NetworkOutput = networkOutput;
        Features = features;
    }

    /// <summary>A single-term output.</summary>
    public LossOutput(Tensor perSampleLoss, Tensor networkOutput, IReadOnlyList<Tensor> features)
        : this(new Dictionary<string, Tensor> { [LossKey] = perSampleLoss }, networkOutput, features) { }

    /// <summary>The per-sample loss (B) that training minimises.</summary>
    public Tensor Loss => terms[LossKey];

    /// <summary>The network output the loss was computed from (for EDM, the denoiser D).</summary>
    public Tensor NetworkOutput { get; }

    /// <summary>Per-block network features (empty unless the network returns them).</summary>
    public IReadOnlyList<Tensor> Features { get; }

    /// <inheritdoc />
    public Tensor this[string key] => terms[key];
    /// <inheritdoc />
    public IEnumerable<string> Keys => terms.Keys;
    /// <inheritdoc />
    public IEnumerable<Tensor> Values => terms.Values;
    /// <inheritdoc />
    public int Count => terms.Count;
    /// <inheritdoc />
    public bool ContainsKey(string key) => terms.ContainsKey(key);
    /// <inheritdoc />
    public bool TryGetValue(string key, out Tensor value) => terms.TryGetValue(key, out value!);
    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator() => terms.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
