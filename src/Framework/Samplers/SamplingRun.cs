using Research.Framework.Interfaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Samplers;

/// <summary>
/// Everything one <see cref="Sampler.Sample"/> call shares between its steps: the model and guidance, the grid
/// (read once to the host, so steps branch on plain doubles instead of calling item() per step), the noise
/// source, and per-run sampler state (the previous output of a multistep solver, precomputed coefficients).
/// </summary>
public sealed class SamplingRun
{
    internal SamplingRun(Interface model, Guidance guidance, double[] grid, Tensor x, Generator? generator)
    {
        Model = model;
        Guidance = guidance;
        Grid = grid;
        Batch = x.shape[0];
        Shape = x.shape;
        Device = x.device;
        DType = x.dtype;
        Generator = generator;
    }

    /// <summary>The model being sampled.</summary>
    public Interface Model { get; }
    /// <summary>Classifier-free guidance for this call.</summary>
    public Guidance Guidance { get; }
    /// <summary>The grid points; step i goes from Grid[i] to Grid[i + 1].</summary>
    public IReadOnlyList<double> Grid { get; }
    /// <summary>Number of steps (Grid.Count − 1).</summary>
    public int Steps => Grid.Count - 1;
    /// <summary>Batch size of x.</summary>
    public long Batch { get; }
    /// <summary>Shape of x.</summary>
    public long[] Shape { get; }
    /// <summary>Device of x.</summary>
    public Device Device { get; }
    /// <summary>Floating type of x.</summary>
    public ScalarType DType { get; }
    /// <summary>Noise source (null: torch's global generator).</summary>
    public Generator? Generator { get; }
    /// <summary>Per-run state owned by the sampler; disposed at the end of the run when it is <see cref="IDisposable"/>.</summary>
    public object? State { get; set; }

    /// <summary>The time t for every sample: a (B) vector on x's device and type.</summary>
    public Tensor Times(double t) => full([Batch], t, DType, Device);

    /// <summary>Standard normal noise shaped like x, from the run's generator.</summary>
    public Tensor Noise() => randn(Shape, DType, Device, generator: Generator);

    /// <summary>The guided ODE tangent dx/dt (Pred) at (x, t).</summary>
    public Tensor Predict(Tensor x, double t)
    {
        var times = Times(t);
        return Guidance.Evaluate((model, cond) => model.Pred(x, times, cond), t);
    }
}
