using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Samplers;

/// <summary>
/// What the per-step callback of <see cref="SampleOptions.Callback"/> sees after step <see cref="Step"/> (k-diffusion's
/// callback: i, sigma, x, denoised). The tensors belong to the sampler and live only during the call: clone what you keep.
/// </summary>
/// <param name="Step">The step index, 0 to Steps − 1.</param>
/// <param name="T">The grid time where the step starts (t, or σ for EDM grids).</param>
/// <param name="X">The sample at the start of the step.</param>
/// <param name="Denoised">
/// The model's x₀ estimate at the step's first single-time model evaluation (guided), through the model's path; null
/// when the model describes no path or the sampler made no single-time evaluation (EulerJump).
/// </param>
public readonly record struct SamplingStep(int Step, double T, Tensor X, Tensor? Denoised);
