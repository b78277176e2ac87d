using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Interfaces;

/// <summary>
/// A network given by a closed-form function: for tests, toy problems and analytic vector fields.
/// The function receives exactly what the interface passes to a network (for EDM: c_in·x_t and c_noise(t)).
/// </summary>
public sealed class LambdaNetwork(Func<Tensor, Tensor, Conditioning, Tensor> function, int? numClasses = null) : IDiffusionNetwork
{
    /// <inheritdoc />
    public int? NumClasses { get; } = numClasses;

    /// <inheritdoc />
    public NetworkOutput Forward(Tensor x, Tensor t, Conditioning cond) => new(function(x, t, cond));
}
