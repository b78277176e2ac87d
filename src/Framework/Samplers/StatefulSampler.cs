using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Samplers;

/// <summary>
/// A sampler with per-run state of a declared type (a multistep history, coefficients precomputed on the grid):
/// <see cref="CreateState"/> makes it once the grid is known, the steps receive it typed through
/// <see cref="SamplingRun{TState}.State"/>, and it is disposed with the run when it is <see cref="IDisposable"/>.
/// </summary>
public abstract class Sampler<TState>(int steps, TimeGrid? grid) : Sampler(steps, grid)
{
    /// <summary>Creates the state of one run (after <see cref="Sampler.Begin"/>, before the first step).</summary>
    protected abstract TState CreateState(SamplingRun run);

    /// <summary>One step from Grid[step] to Grid[step + 1] (every pair but the last).</summary>
    public abstract Tensor Forward(SamplingRun<TState> run, int step, Tensor x);

    /// <summary>The step onto the final grid point.</summary>
    public virtual Tensor LastStep(SamplingRun<TState> run, int step, Tensor x) => Forward(run, step, x);

    /// <inheritdoc />
    public sealed override Tensor Forward(SamplingRun run, int step, Tensor x) => Forward(Own<TState>(run), step, x);

    /// <inheritdoc />
    public sealed override Tensor LastStep(SamplingRun run, int step, Tensor x) => LastStep(Own<TState>(run), step, x);

    private protected sealed override SamplingRun Start(RunSetup setup) => StartWithState(setup, CreateState);
}
