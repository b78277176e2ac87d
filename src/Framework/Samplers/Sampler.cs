using Research.Framework.Interfaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Samplers;

/// <summary>
/// A sampler integrates an interface's Pred (dx/dt, or dx/dσ for EDM) along a time grid, from noise to data.
/// <see cref="Sample"/> scales x by the first grid point (unit noise becomes sigma_max noise for EDM), runs
/// <see cref="Forward"/> for every pair of grid points but the last and <see cref="LastStep"/> on the final pair.
/// Every step runs in its own dispose scope without gradients (networks in eval mode), so memory stays flat.
/// A sampler with per-run state derives from <see cref="Sampler{TState}"/> and declares the state's type; samplers ask
/// the model's <see cref="Interface.Path"/> for x₀, score and grid coefficients instead of testing its type.
/// </summary>
public abstract class Sampler
{
    /// <summary>Validates the step count; the grid defaults to <see cref="DefaultGrid"/>.</summary>
    protected Sampler(int steps, TimeGrid? grid)
    {
        CheckSteps(steps);
        Steps = steps;
        Grid = grid ?? DefaultGrid;
    }

    /// <summary>Number of steps.</summary>
    public int Steps { get; }

    /// <summary>The time grid.</summary>
    public TimeGrid Grid { get; }

    /// <summary>The grid used when the constructor gets none (uniform from t = 1 to 0 unless a sampler says otherwise).</summary>
    protected virtual TimeGrid DefaultGrid => new UniformGrid();

    /// <summary>The grid this sampler visits with <paramref name="steps"/> steps (float64, CPU).</summary>
    public Tensor TimeGrid(int steps)
    {
        CheckSteps(steps);
        return Grid.Build(steps);
    }

    /// <summary>
    /// Samples from <paramref name="model"/> starting at noise <paramref name="x"/> (unit variance; it is scaled by σ of
    /// the model's path at the first grid point, by the point itself for a model without a path). The caller's x is never disposed or modified. Capabilities, the grid and guidance are
    /// checked before any model evaluation.
    /// </summary>
    public Tensor Sample(Interface model, Tensor x, SampleOptions? options = null) => Integrate(model, x, options, toNoise: false);

    /// <summary>
    /// The loop behind <see cref="Sample"/>. With <paramref name="toNoise"/> it walks the grid backwards, from the data
    /// end to the noise end, with <see cref="Forward"/> on every pair, and returns unit noise (x divided by σ at the
    /// noise end), which <see cref="Sample"/> on the same grid maps back (DDIM inversion).
    /// </summary>
    private protected Tensor Integrate(Interface model, Tensor x, SampleOptions? options, bool toNoise)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(x);
        options ??= SampleOptions.Default;
        CheckModel(model, options);
        var grid = ResolveGrid(model, options);
        if (toNoise) Array.Reverse(grid);
        var guidance = new Guidance(model, options, x.shape[0]);
        using var ownGenerator = options.Generator is null && options.Seed is long seed ? new Generator(unchecked((ulong)seed), x.device) : null;
        using var run = Start(new RunSetup(model, guidance, grid, x, options.Generator ?? ownGenerator, options.Callback));
        using var modelMode = new EvaluationMode(model.Network);
        using var guideMode = guidance.GuideModel == model ? null : new EvaluationMode(guidance.GuideModel.Network);
        Tensor current;
        using (var start = NewDisposeScope()) current = (toNoise ? x.clone() : x * NoiseScale(model, grid[0])).MoveToOuterDisposeScope();
        for (int i = 0; i < run.Steps; i++)
        {
            Tensor next;
            int step = i;
            var from = current;
            bool last = step == run.Steps - 1 && !toNoise;
            using (var scope = NewDisposeScope())
                next = run.Run(step, from, () => last ? LastStep(run, step, from) : Forward(run, step, from)).MoveToOuterDisposeScope();
            if (!ReferenceEquals(next, current)) current.Dispose();
            current = next;
        }
        if (!toNoise) return current;
        using var end = NewDisposeScope();
        var noise = (current / NoiseScale(model, grid[^1])).MoveToOuterDisposeScope();
        current.Dispose();
        return noise;
    }

    /// <summary>The prior at grid time t is σ(t)·n (σ_max·n for EDM, n at t = 1 for SiT and DDPM); t itself without a path.</summary>
    static double NoiseScale(Interface model, double t) => model.Path is { } path ? path.At(t).Sigma : t;

    /// <summary>One step of the integration from Grid[step] to Grid[step + 1] (every pair but the last).</summary>
    public abstract Tensor Forward(SamplingRun run, int step, Tensor x);

    /// <summary>The step onto the final grid point (often t = 0 or σ = 0, where some formulas are singular).</summary>
    public virtual Tensor LastStep(SamplingRun run, int step, Tensor x) => Forward(run, step, x);

    /// <summary>One Euler step x + (Grid[step + 1] − Grid[step])·d(x, Grid[step]) with the guided tangent.</summary>
    protected static Tensor EulerStep(SamplingRun run, int step, Tensor x)
    {
        double t = run.Grid[step], next = run.Grid[step + 1];
        return x.add(run.Predict(x, t), next - t);
    }

    /// <summary>
    /// Rejects a model this sampler cannot use, before any work; the error names the sampler and the model type.
    /// </summary>
    protected virtual void CheckModel(Interface model, SampleOptions options) { }

    /// <summary>Called once the grid is known and before the first step (validate the grid).</summary>
    protected virtual void Begin(SamplingRun run) { }

    /// <summary>Creates the run (a sampler with state: a <see cref="SamplingRun{TState}"/> holding it) and calls <see cref="Begin"/>.</summary>
    private protected virtual SamplingRun Start(RunSetup setup)
    {
        var run = new SamplingRun(setup);
        Begin(run);
        return run;
    }

    /// <summary>A run with state for <see cref="Sampler{TState}"/> and the stateful capability samplers: Begin, then the state.</summary>
    private protected SamplingRun<TState> StartWithState<TState>(RunSetup setup, Func<SamplingRun, TState> createState)
    {
        var run = new SamplingRun<TState>(setup);
        Begin(run);
        run.State = createState(run);
        return run;
    }

    /// <summary>The typed run behind an untyped reference (only <see cref="Sample"/> creates runs, always of the sampler's state type).</summary>
    private protected SamplingRun<TState> Own<TState>(SamplingRun run) => run as SamplingRun<TState> ?? throw new ArgumentException(
        $"{GetType().Name} steps need the run its own Sample call started (state {typeof(TState).Name}); got a run of another sampler.", nameof(run));

    /// <summary>The model's path, or the error "{sampler} needs the model's path (α, σ); {model} describes none".</summary>
    protected AffinePath RequirePath(Interface model, string role = "model") => model.Path ?? throw new ArgumentException(
        $"{GetType().Name} needs the {role}'s path (α, σ of x_t = α·x + σ·n) to convert its predictions; {model.GetType().Name} describes none " +
        "(Interface.Path is null).", role);

    /// <summary>Throws the capability error: "{sampler} needs a model implementing {capability}; {model} does not".</summary>
    protected void RequireCapability<TCapability>(Interface model, string role = "model")
    {
        if (model is not TCapability)
            throw new ArgumentException(
                $"{GetType().Name} needs a {role} implementing {typeof(TCapability).Name}; {model.GetType().Name} does not.", role);
    }

    /// <summary>The grid's points in the model's time (a grid in noise levels is mapped onto its path), or the caller's custom grid as given.</summary>
    double[] ResolveGrid(Interface model, SampleOptions options)
    {
        if (options.CustomGrid is null)
        {
            int steps = options.Steps ?? Steps;
            CheckSteps(steps);
            return Grid.PointsOn(steps, model.Path);
        }
        var custom = options.CustomGrid;
        if (custom.dim() != 1 || custom.shape[0] < 2)
            throw new ArgumentException($"SampleOptions.CustomGrid must be a 1-D tensor with at least 2 points; got shape [{string.Join(", ", custom.shape)}].", nameof(options));
        using var values = custom.detach().to(ScalarType.Float64, CPU).contiguous();
        var grid = values.data<double>().ToArray();
        double direction = Math.Sign(grid[1] - grid[0]);
        for (int i = 0; i < grid.Length; i++)
        {
            if (!double.IsFinite(grid[i]))
                throw new ArgumentException($"SampleOptions.CustomGrid must be finite; point {i} is {grid[i]}.", nameof(options));
            if (i > 0 && (direction == 0 || Math.Sign(grid[i] - grid[i - 1]) != direction))
                throw new ArgumentException(
                    $"SampleOptions.CustomGrid must be strictly monotone; points {i - 1} and {i} are {grid[i - 1]} and {grid[i]}.", nameof(options));
        }
        return grid;
    }

    void CheckSteps(int steps)
    {
        if (steps <= 0)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"{GetType().Name} needs at least one step (got {steps}).");
    }
}

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
            var first = firstEvaluation;
            callback(new SamplingStep(step, Grid[step], x,
                () => first is var (at, t, pred) && Model.Path is { } path ? path.Denoised(at, Times(t), pred) : null));
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
