using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Interfaces;

/// <summary>Options every interface has: where its tensors live and the seed of its random streams.</summary>
public abstract record InterfaceOptions
{
    /// <summary>Seed of the model's random streams (see <see cref="RandomStreams"/>).</summary>
    public long Seed { get; init; }

    /// <summary>Device for every tensor the interface creates; CPU when null.</summary>
    public Device? Device { get; init; }

    /// <summary>Floating type of every tensor the interface creates.</summary>
    public ScalarType DType { get; init; } = ScalarType.Float32;

    /// <summary>Throws <see cref="ArgumentException"/> naming the option and its valid range.</summary>
    public virtual void Validate()
    {
        if (!is_floating_point(empty(0, DType)))
            throw new ArgumentException($"{GetType().Name}.DType must be a floating type (Float16, BFloat16, Float32, Float64); got {DType}.");
    }
}
