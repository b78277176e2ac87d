using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Samplers;

/// <summary>
/// A <see cref="CapabilitySampler{TCapability}"/> with per-run state of a declared type, as <see cref="Sampler{TState}"/>
/// gives it to other samplers (C# has one base class, so the capability and the state cannot come from two).
/// </summary>
public abstract class CapabilitySampler<TCapability, TState>(int steps, TimeGrid? grid) : CapabilitySampler<TCapability>(steps, grid)
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
