using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Interfaces;

/// <summary>
/// What a network is conditioned on besides x and t. A record so that callers derive variants with
/// <c>with</c>; not sealed, so that experiments can add fields by inheritance.
/// </summary>
/// <param name="Labels">Class labels (B), int64. The null (unconditional) label is the network's NumClasses.</param>
/// <param name="Dt">The jump dt = t − r of two-time models such as MeanFlow (B).</param>
public record Conditioning(Tensor? Labels = null, Tensor? Dt = null)
{
    /// <summary>No labels, no jump.</summary>
    public static Conditioning None { get; } = new();
}
