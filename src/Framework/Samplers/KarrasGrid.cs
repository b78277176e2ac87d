using Research.Framework.Interfaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Samplers;

/// <summary>
/// The EDM grid (Karras et al. 2022, eq. 5): sigma_i = (smax^(1/ρ) + i/(N − 1)·(smin^(1/ρ) − smax^(1/ρ)))^ρ for
/// i = 0..N − 1, then a final 0, so N steps end exactly on the data. One step is [sigmaMax, 0].
/// </summary>
public sealed class KarrasGrid : TimeGrid
{
    /// <summary>Creates the grid; needs 0 &lt; sigmaMin &lt; sigmaMax (finite) and rho &gt; 0.</summary>
    public KarrasGrid(double sigmaMin = 0.002, double sigmaMax = 80, double rho = 7)
    {
        if (!(sigmaMin > 0) || !(sigmaMax > sigmaMin) || double.IsInfinity(sigmaMax))
            throw new ArgumentOutOfRangeException(nameof(sigmaMin), $"KarrasGrid needs finite 0 < sigmaMin < sigmaMax (got {sigmaMin} and {sigmaMax}).");
        if (!(rho > 0) || double.IsInfinity(rho))
            throw new ArgumentOutOfRangeException(nameof(rho), rho, $"KarrasGrid needs a finite rho > 0 (got {rho}).");
        (SigmaMin, SigmaMax, Rho) = (sigmaMin, sigmaMax, rho);
    }

    /// <summary>Smallest non-zero sigma.</summary>
    public double SigmaMin { get; }
    /// <summary>Largest sigma (where sampling starts).</summary>
    public double SigmaMax { get; }
    /// <summary>ρ: how strongly steps concentrate at small sigma.</summary>
    public double Rho { get; }

    /// <summary>Noise levels σ (EDM's time); on another interface the sampler maps them onto its time (<see cref="GridOnPath"/>).</summary>
    public override PathTime? Domain => PathTime.Sigma;

    /// <inheritdoc />
    public override double NoiseToSignal(double point) => point;

    /// <inheritdoc />
    protected override Tensor BuildFloat64(int steps)
    {
        if (steps == 1) return tensor(new[] { SigmaMax, 0.0 });
        double low = Math.Pow(SigmaMin, 1 / Rho), high = Math.Pow(SigmaMax, 1 / Rho);
        var fraction = arange(steps, ScalarType.Float64) / (steps - 1);
        var sigmas = (high + fraction * (low - high)).pow(Rho);
        return cat([sigmas, zeros(1, ScalarType.Float64)]);
    }
}
