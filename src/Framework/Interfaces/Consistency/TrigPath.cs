using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Interfaces.Consistency;

/// <summary>TrigFlow's path x_t = cos t·x + σ_d sin t·n on t ∈ [0, π/2] (n unit noise, so z = σ_d·n).</summary>
public sealed class TrigPath(double sigmaData) : AffinePath
{
    /// <summary>σ_d.</summary>
    public double SigmaData { get; } = sigmaData > 0 && double.IsFinite(sigmaData) ? sigmaData
        : throw new ArgumentOutOfRangeException(nameof(sigmaData), sigmaData, $"TrigPath needs a finite σ_d > 0 (got {sigmaData}).");

    /// <inheritdoc />
    public override PathTime Time => PathTime.Trig;
    /// <inheritdoc />
    public override Tensor Alpha(Tensor t) => t.cos();
    /// <inheritdoc />
    public override Tensor Sigma(Tensor t) => SigmaData * t.sin();
    /// <inheritdoc />
    public override Tensor AlphaDerivative(Tensor t) => -t.sin();
    /// <inheritdoc />
    public override Tensor SigmaDerivative(Tensor t) => SigmaData * t.cos();
    /// <inheritdoc />
    public override (double Alpha, double Sigma) At(double t) => (Math.Cos(t), SigmaData * Math.Sin(t));
}
