using Research.Framework.Interfaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Samplers;

/// <summary>
/// A TrigFlow time grid: the EDM noise levels of <see cref="KarrasGrid"/> (σ_max … σ_min, then 0) mapped to
/// TrigFlow time t = atan(σ/σ_d), so it runs from T = atan(σ_max/σ_d) (≈ 1.5645 for σ_max 80, σ_d 0.5) to 0 with the
/// steps concentrated where EDM puts them. One step is [T, 0].
/// </summary>
public sealed class TrigGrid : TimeGrid
{
    readonly KarrasGrid sigmas;

    /// <summary>Creates the grid; the Karras arguments are checked as there, σ_d must be finite and &gt; 0.</summary>
    public TrigGrid(double sigmaData = 0.5, double sigmaMin = 0.002, double sigmaMax = 80, double rho = 7)
    {
        if (!(sigmaData > 0) || double.IsInfinity(sigmaData))
            throw new ArgumentOutOfRangeException(nameof(sigmaData), sigmaData, $"TrigGrid needs a finite sigmaData > 0 (got {sigmaData}).");
        sigmas = new KarrasGrid(sigmaMin, sigmaMax, rho);
        SigmaData = sigmaData;
    }

    /// <summary>σ_d of the interface the grid is for.</summary>
    public double SigmaData { get; }

    /// <summary>TrigFlow angles; on another interface the sampler maps their noise level σ_d·tan t onto its time (<see cref="GridOnPath"/>).</summary>
    public override PathTime? Domain => PathTime.Trig;

    /// <inheritdoc />
    public override double NoiseToSignal(double point) => SigmaData * Math.Tan(point);

    /// <summary>The first time, atan(σ_max/σ_d).</summary>
    public double TMax => Math.Atan(sigmas.SigmaMax / SigmaData);

    /// <inheritdoc />
    protected override Tensor BuildFloat64(int steps) => (sigmas.Build(steps) / SigmaData).atan_();
}
