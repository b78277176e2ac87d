using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Samplers;

/// <summary>First-order Euler on the probability-flow ODE: x_next = x + (t_next − t)·d(x, t). One model evaluation per step (without guidance).</summary>
public sealed class Euler(int steps, TimeGrid? grid = null) : Sampler(steps, grid)
{
    /// <inheritdoc />
    public override Tensor Forward(SamplingRun run, int step, Tensor x) => EulerStep(run, step, x);
}
