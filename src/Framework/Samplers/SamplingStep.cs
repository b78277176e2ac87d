using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Samplers;

/// <summary>
/// What the per-step callback of <see cref="SampleOptions.Callback"/> sees after step <see cref="Step"/> (k-diffusion's
/// callback: i, sigma, x, denoised). The tensors belong to the sampler and live only during the call: clone what you keep.
/// <see cref="Denoised"/> is computed when first read, so a callback that only counts steps (a progress bar) adds no
/// tensor work to the sampling loop.
/// </summary>
public readonly struct SamplingStep
{
    readonly Lazy<Tensor?> denoised;

    /// <summary>Step <paramref name="step"/> from grid time <paramref name="t"/> at <paramref name="x"/>; <paramref name="denoised"/> computes the x₀ estimate on demand.</summary>
    public SamplingStep(int step, double t, Tensor x, Func<Tensor?> denoised)
    {
        (Step, T, X) = (step, t, x);
        this.denoised = new Lazy<Tensor?>(denoised, LazyThreadSafetyMode.None);
    }

    /// <summary>The step index, 0 to Steps − 1.</summary>
    public int Step { get; }

    /// <summary>The grid time where the step starts (t, or σ for EDM grids).</summary>
    public double T { get; }

    /// <summary>The sample at the start of the step.</summary>
    public Tensor X { get; }

    /// <summary>
    /// The model's x₀ estimate at the step's first single-time model evaluation (guided), through the model's path; null
    /// when the model describes no path or the sampler made no single-time evaluation (EulerJump).
    /// </summary>
    public Tensor? Denoised => denoised.Value;
}
