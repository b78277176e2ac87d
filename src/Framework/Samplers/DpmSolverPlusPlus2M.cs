using Research.Framework.Interfaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Samplers;

/// <summary>
/// DPM-Solver++(2M) (Lu et al. 2022, arXiv 2211.01095, Algorithm 2): a second-order multistep solver in the data
/// prediction x0 (the model's path turns Pred into x0) and the log-SNR λ = ln(α/σ) of the model's path
/// x_t = α·x + σ·n. With h = λ_next − λ and e^(−h) = (α·σ_next)/(σ·α_next):
/// x_next = (σ_next/σ)·x − α_next·(e^(−h) − 1)·D, where D = x0 on the first step and
/// D = (1 + 1/(2r))·x0 − 1/(2r)·x0_prev with r = h_prev/h afterwards. The last step is first order (onto t = 0 or
/// σ = 0 it returns x0). One model evaluation per step.
/// <para>
/// α and σ come from <see cref="Interface.Path"/>, so any interface with a path works (a wrapper such as REPA
/// forwards its inner one). The view only picks the default grid (uniform for <see cref="DpmSolverView.Flow"/>,
/// <see cref="KarrasGrid"/> for <see cref="DpmSolverView.Edm"/>) and must fit the path's time (unit time or σ);
/// a mismatch is refused before any work. On a path with α(1) = 0 (flow) the first point has λ = −∞: the ratios
/// above stay finite there (e^(−h) = 0), and the next step's r = ∞ makes it first order once more.
/// </para>
/// </summary>
public sealed class DpmSolverPlusPlus2M(int steps, TimeGrid? grid = null, DpmSolverView view = DpmSolverView.Flow)
    : Sampler<DpmSolverPlusPlus2M.History>(steps, grid), IPathSampler
{
    /// <summary>The grid family the solver assumes.</summary>
    public DpmSolverView View { get; } = Enum.IsDefined(view) ? view
        : throw new ArgumentOutOfRangeException(nameof(view), view, $"Unknown DpmSolverView {view}. Valid choices: {string.Join(", ", Enum.GetNames<DpmSolverView>())}.");

    /// <inheritdoc />
    protected override TimeGrid DefaultGrid => view switch { DpmSolverView.Edm => new KarrasGrid(), DpmSolverView.Trig => new TrigGrid(), _ => new UniformGrid() };

    /// <inheritdoc />
    protected override void CheckModel(Interface model, SampleOptions options)
    {
        var path = RequirePath(model);
        var fits = View switch { DpmSolverView.Edm => PathTime.Sigma, DpmSolverView.Trig => PathTime.Trig, _ => PathTime.Unit };
        if (path.Time != fits)
            throw new ArgumentException(
                $"DpmSolverPlusPlus2M with DpmSolverView.{View} does not fit {model.GetType().Name} (its path's time is {path.Time}); " +
                $"use DpmSolverView.{path.Time switch { PathTime.Sigma => "Edm", PathTime.Trig => "Trig", _ => "Flow" }}.", nameof(model));
    }

    /// <summary>α and σ at every grid point, from the model's path.</summary>
    protected override History CreateState(SamplingRun run) => new(run.PathCoefficients());

    /// <inheritdoc />
    public override Tensor Forward(SamplingRun<History> run, int step, Tensor x) => Update(run, step, x, secondOrder: true);

    /// <summary>A first-order step (x0 itself when the grid ends at 0).</summary>
    public override Tensor LastStep(SamplingRun<History> run, int step, Tensor x) => Update(run, step, x, secondOrder: false);

    static Tensor Update(SamplingRun<History> run, int step, Tensor x, bool secondOrder)
    {
        var history = run.State;
        double s = run.Grid[step];
        var (alphaS, sigmaS) = history.Coefficients[step];
        var (alphaT, sigmaT) = history.Coefficients[step + 1];
        var denoised = run.Denoised(x, s, run.Predict(x, s));
        double expMinusH = alphaS * sigmaT / (sigmaS * alphaT);
        double h = -Math.Log(expMinusH);
        var estimate = denoised;
        if (secondOrder && history.Denoised is not null)
        {
            double halfInverseR = h / (2 * history.H);
            estimate = (1 + halfInverseR) * denoised - halfInverseR * history.Denoised;
        }
        var next = (sigmaT / sigmaS) * x - (alphaT * (expMinusH - 1)) * estimate;
        history.Remember(denoised, h);
        return next;
    }

    /// <summary>Per run: α and σ on the grid, and the previous step's x0 and h, kept outside the step scopes and disposed with the run.</summary>
    public sealed class History((double Alpha, double Sigma)[] coefficients) : IDisposable
    {
        /// <summary>(α, σ) at each grid point.</summary>
        public IReadOnlyList<(double Alpha, double Sigma)> Coefficients { get; } = coefficients;
        /// <summary>The previous step's x0 (null before the first step).</summary>
        public Tensor? Denoised { get; private set; }
        /// <summary>The previous step's h.</summary>
        public double H { get; private set; }

        /// <summary>Keeps this step's x0 and h for the next step.</summary>
        public void Remember(Tensor denoised, double h)
        {
            Denoised?.Dispose();
            Denoised = denoised.detach().MoveToOuterDisposeScope();
            H = h;
        }

        /// <inheritdoc />
        public void Dispose() => Denoised?.Dispose();
    }
}
