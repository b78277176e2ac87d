using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Interfaces;

/// <summary>The variance-exploding path of EDM: α = 1, σ = t (t is σ).</summary>
public sealed class VarianceExplodingPath : AffinePath
{
    /// <summary>The one instance (the path has no parameters).</summary>
    public static VarianceExplodingPath Instance { get; } = new();

    VarianceExplodingPath() { }

    /// <inheritdoc />
    public override PathTime Time => PathTime.Sigma;
    /// <inheritdoc />
    public override bool IsVarianceExploding => true;
    /// <inheritdoc />
    public override Tensor Alpha(Tensor t) => ones_like(t);
    /// <inheritdoc />
    public override Tensor Sigma(Tensor t) => t.alias();
    /// <inheritdoc />
    public override Tensor AlphaDerivative(Tensor t) => zeros_like(t);
    /// <inheritdoc />
    public override Tensor SigmaDerivative(Tensor t) => ones_like(t);
    /// <inheritdoc />
    public override (double Alpha, double Sigma) At(double t) => (1, t);
}
