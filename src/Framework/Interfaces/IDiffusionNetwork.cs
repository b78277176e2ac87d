using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Interfaces;

/// <summary>What a network returns: its output and, when asked for, per-block features (for REPA).</summary>
public record NetworkOutput(Tensor Output, IReadOnlyList<Tensor> Features)
{
    /// <summary>An output without features.</summary>
    public NetworkOutput(Tensor output) : this(output, Array.Empty<Tensor>()) { }
}

/// <summary>
/// The network behind an interface. It receives exactly what the interface passes (for EDM c_in·x_t and
/// c_noise(t)); t is a per-sample vector (B).
/// </summary>
public interface IDiffusionNetwork
{
    /// <summary>Runs the network on (x, t, conditioning).</summary>
    NetworkOutput Forward(Tensor x, Tensor t, Conditioning cond);

    /// <summary>
    /// The number of real classes, or null for an unconditional network. The null (unconditional) label
    /// is <c>NumClasses</c> itself, so a class-conditional network has NumClasses + 1 label rows.
    /// </summary>
    int? NumClasses { get; }
}
