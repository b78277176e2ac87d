using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Interfaces;

/// <summary>The linear path of flow matching (SiT, MeanFlow): α = 1 − t, σ = t on t ∈ [0, 1].</summary>
public sealed class LinearPath : AffinePath
{
    /// <summary>The one instance (the path has no parameters).</summary>
    public static LinearPath Instance { get; } = new();

    LinearPath() { }

    /// <inheritdoc />
    public override PathTime Time => PathTime.Unit;
    /// <inheritdoc />
    public override Tensor Alpha(Tensor t) => 1 - t;
    /// <inheritdoc />
    public override Tensor Sigma(Tensor t) => t.alias();
    /// <inheritdoc />
    public override Tensor AlphaDerivative(Tensor t) => full_like(t, -1);
    /// <inheritdoc />
    public override Tensor SigmaDerivative(Tensor t) => ones_like(t);
    /// <inheritdoc />
    public override (double Alpha, double Sigma) At(double t) => (1 - t, t);
}
