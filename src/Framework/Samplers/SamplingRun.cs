using Research.Framework.Interfaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Samplers;

/// <summary>
/// Everything one <see cref="Sampler.Sample"/> call shares between its steps: the model and guidance, the grid
/// (read once to the host, so steps branch on plain doubles instead of calling item() per step) and the noise
/// source. A sampler with per-run state (a multistep history, precomputed coefficients) gets a
/// <see cref="SamplingRun{TState}"/> whose state has the type the sampler declares.
/// </summary>
public class SamplingRun : IDisposable
{
    readonly Action<SamplingStep>? callback;
    (Tensor X, double T, Tensor Pred)? firstEvaluation;

    internal SamplingRun(RunSetup setup)
    {
        (Model, Guidance, Grid, Generator, callback) = (setup.Model, setup.Guidance, setup.Grid, setup.Generator, setup.Callback);
        Batch = setup.X.shape[0];
        Shape = setup.X.shape;
        Device = setup.X.device;
        DType = setup.X.dtype;
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

    /// <summary>The time t for every sample: a (B) vector on x's device and type.</summary>
    public Tensor Times(double t) => full([Batch], t, DType, Device);

    /// <summary>Standard normal noise shaped like x, from the run's generator.</summary>
    public Tensor Noise() => randn(Shape, DType, Device, generator: Generator);

    /// <summary>The guided ODE tangent dx/dt (Pred) at (x, t).</summary>
    public Tensor Predict(Tensor x, double t)
    {
        var times = Times(t);
        var pred = Guidance.Evaluate((model, cond) => model.Pred(x, times, cond), t);
        if (callback is not null && firstEvaluation is null) firstEvaluation = (x, t, pred);
        return pred;
    }

    /// <summary>
    /// The guided x₀ estimate at (x, t) through the model's path, from a Pred the step already has (no model call).
    /// </summary>
    public Tensor Denoised(Tensor x, double t, Tensor pred) => RequirePath().Denoised(x, Times(t), pred);

    /// <summary>The model's path; the sampler checked before any work that it has one, if it calls this.</summary>
    public AffinePath RequirePath() => Model.Path ?? throw new InvalidOperationException(
        $"{Model.GetType().Name} describes no path (Interface.Path is null), which this sampler needs.");

    /// <summary>(α, σ) of the model's path at every grid point (for samplers whose state is the grid's coefficients).</summary>
    public (double Alpha, double Sigma)[] PathCoefficients()
    {
        var path = RequirePath();
        return Grid.Select(path.At).ToArray();
    }

    /// <summary>Runs step <paramref name="step"/> and reports it to the callback (inside the step's dispose scope).</summary>
    internal Tensor Run(int step, Tensor x, Func<Tensor> advance)
    {
        firstEvaluation = null;
        var next = advance();
        if (callback is not null)
        {
            var denoised = firstEvaluation is var (at, t, pred) && Model.Path is { } path ? path.Denoised(at, Times(t), pred) : null;
            callback(new SamplingStep(step, Grid[step], x, denoised));
        }
        return next;
    }

    /// <summary>Releases per-run state (nothing in a stateless run).</summary>
    public virtual void Dispose() { }
}

/// <summary>A run of a sampler with per-run state of type <typeparamref name="TState"/>, created by the sampler before the first step.</summary>
public sealed class SamplingRun<TState> : SamplingRun
{
    internal SamplingRun(RunSetup setup) : base(setup) { }

    /// <summary>The sampler's state for this run; disposed with the run when it is <see cref="IDisposable"/>.</summary>
    public TState State { get; internal set; } = default!;

    /// <inheritdoc />
    public override void Dispose()
    {
        if (State is IDisposable disposable) disposable.Dispose();
    }
}

/// <summary>What <see cref="Sampler.Sample"/> resolved before any step: the parts of a run.</summary>
internal readonly record struct RunSetup(Interface Model, Guidance Guidance, double[] Grid, Tensor X, Generator? Generator, Action<SamplingStep>? Callback);
