using Research.Framework.Interfaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Samplers;

/// <summary>
/// Euler–Maruyama on the reverse-time SDE dx = [d − ½·w(t)·s] dt + sqrt(w(t)) dW̄, with d the ODE tangent (Pred) and
/// s the score. Integrated backwards in time (h = t_next − t &lt; 0): x_mean = x + h·(d − ½·w·s),
/// x_next = x_mean + sqrt(w·|h|)·ε, and the last step returns x_mean.
/// <para>
/// Why any w ≥ 0 is right: the probability-flow ODE dx = d dt and the forward SDE dx = [d + ½·w·s] dt + sqrt(w) dW
/// have the same marginals (their Fokker–Planck equations agree because ½·w·∇·(p·s) = ½·w·Δp); reversing that SDE
/// (drift f − w·s) gives the drift above. It holds for the flow view (SiT, t from 1 to 0) and the EDM view (σ).
/// </para>
/// <para>
/// The per-run state is w on the grid. Guidance combines the drift d − ½·w·s, which is affine in the network output,
/// so the pred and the score are guided consistently: for a model with a path (<see cref="Interface.Path"/>: SiT,
/// MeanFlow, EDM, DDPM and wrappers of them) the score is converted from the same guided Pred (no second call);
/// other interfaces pay a second, separately guided call for <see cref="IHasScore.Score"/>.
/// The grid is checked before any work: w must be finite and ≥ 0, and t &gt; 0, at every evaluation point
/// (all points but the last; the last step still evaluates the drift at its start).
/// </para>
/// <para>
/// Stability, checked with the grid on a model with a path: near data of fine structure the score's Jacobian is about
/// −1/σ², so the score term multiplies x by 1 − w·|h|/(2σ²) each step. Where that explicit step factor exceeds 1 the
/// step overshoots, and repeated as σ → 0 with w &gt; 0 (Constant, Cos, Concave) it amplifies the noise until the
/// samples diverge (measured: SiT with Constant near t = 0). Every evaluation point but the first must keep the
/// factor ≤ <see cref="MaxStepFactor"/>; the first is exempt because it starts from the prior, where LinearKl's w is
/// near its pole (grids start at 0.999) and one overshoot of pure noise is contracted away by the next steps. LinearKl
/// (w ≈ σ near σ = 0) and Linear keep the factor at about 1/(2k) on the k-th point from the end of a uniform grid.
/// </para>
/// </summary>
public sealed class EulerMaruyama : CapabilitySampler<IHasScore, double[]>
{
    readonly Func<Tensor, Tensor> diffusion;
    readonly string diffusionName;

    /// <summary>Euler–Maruyama with one of the reference's diffusion coefficients (norm c must be finite).</summary>
    public EulerMaruyama(int steps, TimeGrid? grid = null, DiffusionCoeff coeff = DiffusionCoeff.LinearKl, double norm = 1)
        : this(steps, grid, DiffusionCoefficients.Function(coeff, CheckNorm(norm)), $"{coeff} (norm {norm})") { }

    /// <summary>Euler–Maruyama with a user diffusion coefficient w(t), evaluated once per call on the whole grid (float64).</summary>
    public EulerMaruyama(int steps, TimeGrid? grid, Func<Tensor, Tensor> diffusion)
        : this(steps, grid, diffusion ?? throw new ArgumentNullException(nameof(diffusion)), "the user function") { }

    EulerMaruyama(int steps, TimeGrid? grid, Func<Tensor, Tensor> diffusion, string name) : base(steps, grid)
    {
        this.diffusion = diffusion;
        diffusionName = name;
    }

    /// <summary>
    /// The largest explicit step factor w·|h|/(2σ²) allowed at an evaluation point after the first (default 1);
    /// <see cref="double.PositiveInfinity"/> turns the check off (e.g. for smooth data such as a Gaussian, whose score's
    /// curvature is bounded by the data variance rather than σ²).
    /// </summary>
    public double MaxStepFactor
    {
        get;
        init => field = value > 0 ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxStepFactor), value, $"EulerMaruyama's MaxStepFactor must be > 0 (got {value}); use double.PositiveInfinity to turn the check off.");
    } = 1;

    /// <summary>Evaluates w on the grid once (the run's state) and rejects grids where the drift or the noise would not be finite.</summary>
    protected override double[] CreateState(SamplingRun run)
    {
        var coefficients = DiffusionOnGrid(run.Grid);
        for (int i = 0; i < run.Steps; i++)
        {
            double t = run.Grid[i], w = coefficients[i];
            if (!double.IsFinite(w) || w < 0)
                throw new ArgumentException(
                    $"EulerMaruyama: the diffusion coefficient {diffusionName} is {w} at grid point {i} (t = {t}); it must be finite and ≥ 0 " +
                    "at every point but the last. Start the grid where it is finite, e.g. new UniformGrid(tStart: 0.999).");
            if (!(t > 0))
                throw new ArgumentException(
                    $"EulerMaruyama: grid point {i} is t = {t}, where the score (which divides by t) is not finite; only the last grid point " +
                    "may be 0. Use a grid that decreases to 0, e.g. new UniformGrid(tStart: 0.999).");
        }
        if (run.Model.Path is { } path) CheckStepFactors(run.Grid, path, coefficients);
        return coefficients;
    }

    /// <summary>Refuses a grid and coefficient whose explicit step factor w·|h|/(2σ²) exceeds <see cref="MaxStepFactor"/> after the first point.</summary>
    void CheckStepFactors(IReadOnlyList<double> grid, AffinePath path, double[] coefficients)
    {
        for (int i = 1; i < grid.Count - 1; i++)
        {
            double t = grid[i], h = Math.Abs(grid[i + 1] - t), w = coefficients[i], sigma = path.At(t).Sigma;
            double factor = w * h / (2 * sigma * sigma);
            if (!(factor > MaxStepFactor)) continue;
            var invariant = System.Globalization.CultureInfo.InvariantCulture;
            throw new ArgumentException(string.Create(invariant,
                $"EulerMaruyama with the diffusion coefficient {diffusionName}: at step {i} (t = {t:G4}, σ = {sigma:G4}) the explicit step factor " +
                $"w·|h|/(2σ²) = {w:G4}·{h:G4}/(2·{sigma:G4}²) = {factor:G4} exceeds {MaxStepFactor:G4}, so the score term overshoots there, and as σ → 0 " +
                $"the overshoots amplify the noise until the samples diverge. Use a coefficient that vanishes with σ: DiffusionCoeff.LinearKl (the default) " +
                $"or Linear on a flow path, or a user w(t) proportional to σ(t)² (factor w/σ²·|h|/2); or keep w·|h| ≤ 2σ² here (w ≤ {2 * sigma * sigma / h:G4} " +
                $"at this step). MaxStepFactor = double.PositiveInfinity turns the check off."));
        }
    }

    /// <inheritdoc />
    public override Tensor Forward(SamplingRun<double[]> run, int step, Tensor x)
    {
        double h = run.Grid[step + 1] - run.Grid[step], w = run.State[step];
        var mean = Mean(run, step, x);
        return w == 0 ? mean : mean.add_(run.Noise().mul_(Math.Sqrt(w * Math.Abs(h))));
    }

    /// <summary>x_mean, without noise.</summary>
    public override Tensor LastStep(SamplingRun<double[]> run, int step, Tensor x) => Mean(run, step, x);

    static Tensor Mean(SamplingRun<double[]> run, int step, Tensor x)
    {
        double t = run.Grid[step], h = run.Grid[step + 1] - t, w = run.State[step];
        var pred = run.Predict(x, t);
        if (w == 0) return x + h * pred;
        var score = run.Model.Path is { } path
            ? path.Score(x, run.Times(t), pred)
            : run.Guidance.Evaluate((model, cond) => ((IHasScore)model).Score(x, run.Times(t), cond), t);
        return x + h * (pred - (0.5 * w) * score);
    }

    double[] DiffusionOnGrid(IReadOnlyList<double> grid)
    {
        using var scope = NewDisposeScope();
        var times = tensor(grid.ToArray());
        var values = diffusion(times);
        if (!values.shape.SequenceEqual(times.shape))
            throw new ArgumentException(
                $"EulerMaruyama: the diffusion coefficient must return one value per time (shape [{times.shape[0]}]); got shape [{string.Join(", ", values.shape)}].");
        return values.to(ScalarType.Float64, CPU).contiguous().data<double>().ToArray();
    }

    static double CheckNorm(double norm) => double.IsFinite(norm)
        ? norm
        : throw new ArgumentOutOfRangeException(nameof(norm), norm, $"EulerMaruyama's norm must be finite (got {norm}).");
}
