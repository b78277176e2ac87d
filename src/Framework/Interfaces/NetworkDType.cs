using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace Research.Framework.Interfaces;

/// <summary>
/// The floating type a network computes in when it differs from its interface's (mixed precision: a bf16 network
/// behind a float32 interface). Attached to the network object rather than to an interface, because wrappers (REPA)
/// and the interface they wrap share one network. <see cref="Interface"/> casts the network's inputs to this type and
/// its outputs back, so targets, losses and preconditioning stay in the interface's type.
/// </summary>
public static class NetworkDType
{
    static readonly ConditionalWeakTable<IDiffusionNetwork, StrongBox<ScalarType>> narrowed = new();

    /// <summary>Records that <paramref name="network"/>'s weights are of <paramref name="dtype"/>.</summary>
    public static void Record(IDiffusionNetwork network, ScalarType dtype) => narrowed.AddOrUpdate(network, new StrongBox<ScalarType>(dtype));

    /// <summary>The recorded type of <paramref name="network"/>, or null when none was recorded (it computes in its interface's type).</summary>
    public static ScalarType? Of(IDiffusionNetwork network) => narrowed.TryGetValue(network, out var box) ? box.Value : null;
}
