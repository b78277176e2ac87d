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
