using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Interfaces;

/// <summary>
/// A direction in a network's inputs: the tangents of x, of the time value t and, for a two-time network, of dt.
/// Labels have no tangent (they are integers).
/// </summary>
/// <param name="X">dx, the shape of x.</param>
/// <param name="T">dt of the time input (B).</param>
/// <param name="Dt">d(dt) of the jump input (B); null means zero (also for a network that takes no dt).</param>
public sealed record NetworkTangent(Tensor X, Tensor T, Tensor? Dt = null);

/// <summary>
/// A network with a forward-mode rule: its output and the directional derivative of that output along a
/// <see cref="NetworkTangent"/>, in one primal pass (recorded by autograd as <see cref="IDiffusionNetwork.Forward"/>
/// records it) plus one tangent pass computed without autograd from the primal intermediates. The tangent is a
/// stop-gradient quantity (MeanFlow's du/dt, sCM's dF/dt), so this replaces the double-VJP's double backward.
/// Each layer's rule sits next to its forward.
/// </summary>
public interface ITangentNetwork : IDiffusionNetwork
{
    /// <summary>
    /// <see cref="IDiffusionNetwork.Forward"/>(x, t, cond), and J·(tangent.X, tangent.T, tangent.Dt) (detached) with
    /// the output's shape.
    /// </summary>
    (NetworkOutput Output, Tensor Tangent) ForwardWithTangent(Tensor x, Tensor t, Conditioning cond, NetworkTangent tangent);
}
