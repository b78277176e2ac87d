using Research.Framework.Interfaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Samplers;

/// <summary>
/// The times a sampler visits, from noise to data: steps + 1 strictly monotone points (t for flow interfaces,
/// sigma for EDM). Samplers integrate from the first point to the last, one step per consecutive pair.
/// </summary>
public abstract class TimeGrid
{
    /// <summary>The grid for <paramref name="steps"/> steps (steps + 1 points) on the given device and type (float64 CPU by default).</summary>
    public Tensor Build(int steps, Device? device = null, ScalarType dtype = ScalarType.Float64)
    {
        if (steps <= 0)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"{GetType().Name} needs at least one step (got {steps}).");
        using var scope = NewDisposeScope();
        return BuildFloat64(steps).to(dtype, device ?? CPU).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The grid's steps + 1 points in the time of <paramref name="path"/>: as built for a grid in the model's own time,
    /// mapped point by point through their noise level for a grid with a <see cref="Domain"/> (<see cref="GridOnPath"/>).
    /// </summary>
    public double[] PointsOn(int steps, AffinePath? path)
    {
        using var built = Build(steps);
        var points = built.data<double>().ToArray();
        return Domain is null ? points : GridOnPath.Convert(this, points, path);
    }

    /// <summary>The steps + 1 points in float64 on the CPU (steps ≥ 1).</summary>
    protected abstract Tensor BuildFloat64(int steps);

    /// <summary>
    /// The time domain the points are written in: null for the model's own time (used as they are); otherwise a
    /// sampler maps each point's <see cref="NoiseToSignal"/> ratio onto a model whose path has another time
    /// (<see cref="GridOnPath"/>), so a Karras grid means the same noise levels on SiT, TrigFlow and DDPM as on EDM.
    /// </summary>
    public virtual PathTime? Domain => null;

    /// <summary>The noise-to-signal ratio σ/α at a point of a grid with a <see cref="Domain"/>.</summary>
    public virtual double NoiseToSignal(double point) =>
        throw new NotSupportedException($"{GetType().Name} is in the model's own time; it has no noise-to-signal reading.");

    static readonly IReadOnlyDictionary<string, Func<TimeGrid>> Spellings = new Dictionary<string, Func<TimeGrid>>(StringComparer.OrdinalIgnoreCase)
    {
        ["uniform"] = () => new UniformGrid(),
        ["karras"] = () => new KarrasGrid(),
        ["exp"] = () => new KarrasGrid(),
    };

    /// <summary>
    /// The reference's grid names with default options: "uniform" and "karras" or "exp" (the EDM grid), in any case;
    /// anything else is an <see cref="ArgumentException"/> that lists the choices.
    /// </summary>
    public static TimeGrid Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Spellings.TryGetValue(text.Trim(), out var make)) return make();
        throw new ArgumentException(
            $"Unknown time grid '{text}'. Valid choices: {string.Join(", ", Spellings.Keys.Select(k => $"'{k}'"))} (any case).",
            nameof(text));
    }
}

/// <summary>
/// linspace(tStart, tEnd, steps + 1), then the resolution shift t' = s·t / (1 + (s − 1)·t) with
/// s = sqrt(shiftCur / shiftBase) (the defaults give s = 1, no shift). The reference's "uniform" grid.
/// </summary>
public sealed class UniformGrid : TimeGrid
{
    /// <summary>Creates the grid; every value must be finite, the shift resolutions &gt; 0 and tStart ≠ tEnd.</summary>
    public UniformGrid(double tStart = 1, double tEnd = 0, double shiftBase = 4096, double shiftCur = 4096)
    {
        if (!double.IsFinite(tStart) || !double.IsFinite(tEnd) || tStart == tEnd)
            throw new ArgumentOutOfRangeException(nameof(tStart), $"UniformGrid needs finite, distinct tStart and tEnd (got {tStart} and {tEnd}).");
        if (!(shiftBase > 0) || !(shiftCur > 0) || double.IsInfinity(shiftBase) || double.IsInfinity(shiftCur))
            throw new ArgumentOutOfRangeException(nameof(shiftBase), $"UniformGrid needs finite shiftBase and shiftCur > 0 (got {shiftBase} and {shiftCur}).");
        (TStart, TEnd, ShiftBase, ShiftCur) = (tStart, tEnd, shiftBase, shiftCur);
    }

    /// <summary>First time (noise end).</summary>
    public double TStart { get; }
    /// <summary>Last time (data end).</summary>
    public double TEnd { get; }
    /// <summary>Resolution at which the shift is 1.</summary>
    public double ShiftBase { get; }
    /// <summary>Resolution sampled at.</summary>
    public double ShiftCur { get; }

    /// <inheritdoc />
    protected override Tensor BuildFloat64(int steps) =>
        Interface.TShift(linspace(TStart, TEnd, steps + 1, ScalarType.Float64), Math.Sqrt(ShiftCur / ShiftBase));
}

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
