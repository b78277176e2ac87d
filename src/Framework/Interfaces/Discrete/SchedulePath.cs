using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Interfaces.Discrete;

/// <summary>
/// The variance-preserving path of a <see cref="NoiseSchedule"/> on unit time t = i/T: α = √ᾱ(t), σ = √(1 − ᾱ(t)),
/// with ln ᾱ linear between the steps, so that the continuous samplers (Euler, Heun, DPM-Solver++, Euler–Maruyama)
/// can run on a discrete-time model at any t, and ᾱ(i/T) is exactly the schedule's ᾱ_i. The derivatives are those of
/// this interpolation (constant d ln ᾱ/dt = T·(ln ᾱ_{i+1} − ln ᾱ_i) on each interval).
/// </summary>
public sealed class SchedulePath : AffinePath
{
    readonly double[] logAlphaBars;

    /// <summary>The path of <paramref name="schedule"/>.</summary>
    public SchedulePath(NoiseSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        Schedule = schedule;
        logAlphaBars = schedule.AlphaBars.Select(a => Math.Log(a)).ToArray();
    }

    /// <summary>The schedule.</summary>
    public NoiseSchedule Schedule { get; }

    /// <inheritdoc />
    public override PathTime Time => PathTime.Unit;

    /// <summary>ln ᾱ(t), interpolated linearly between the steps.</summary>
    public Tensor LogAlphaBar(Tensor t) => Interpolate(t).Value;

    /// <summary>ᾱ(t).</summary>
    public Tensor AlphaBar(Tensor t) => LogAlphaBar(t).exp();

    /// <inheritdoc />
    public override Tensor Alpha(Tensor t) => (0.5 * LogAlphaBar(t)).exp();

    /// <summary>√(1 − ᾱ), through expm1 so that small t keeps its precision.</summary>
    public override Tensor Sigma(Tensor t) => LogAlphaBar(t).expm1().neg().sqrt();

    /// <summary>dα/dt = ½·α·d ln ᾱ/dt.</summary>
    public override Tensor AlphaDerivative(Tensor t)
    {
        var (value, slope) = Interpolate(t);
        return 0.5 * (0.5 * value).exp() * slope;
    }

    /// <summary>dσ/dt = −½·ᾱ·(d ln ᾱ/dt)/σ (infinite at t = 0, where σ = 0).</summary>
    public override Tensor SigmaDerivative(Tensor t)
    {
        var (value, slope) = Interpolate(t);
        return -0.5 * value.exp() * slope / value.expm1().neg().sqrt();
    }

    /// <summary>ln ᾱ at t (clamped to [0, 1]) and its slope on the interval [i/T, (i + 1)/T] that holds t (the last one at t = 1).</summary>
    (Tensor Value, Tensor Slope) Interpolate(Tensor t)
    {
        int steps = Schedule.Steps;
        var table = tensor(logAlphaBars, t.dtype, t.device);
        var position = (t * steps).clamp(0, steps);
        var lower = position.floor().clamp(0, steps - 1);
        var index = lower.to_type(ScalarType.Int64);
        var low = table.take(index);
        var difference = table.take(index + 1) - low;
        return (low + (position - lower) * difference, difference * steps);
    }
}
