using Research.Framework.Interfaces;
using Research.Framework.Interfaces.Consistency;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Samplers;

/// <summary>
/// DPM-Solver++(2M) (Lu et al. 2022, arXiv 2211.01095, Algorithm 2): a second-order multistep solver in the data
/// prediction x0 = x − s·Pred(x, s) (s the grid value, t or σ; the same formula for both views) and the log-SNR
/// λ = ln(α/σ). With h = λ_next − λ and e^(−h) = (α·σ_next)/(σ·α_next):
/// x_next = (σ_next/σ)·x − α_next·(e^(−h) − 1)·D, where D = x0 on the first step and
/// D = (1 + 1/(2r))·x0 − 1/(2r)·x0_prev with r = h_prev/h afterwards. The last step is first order (onto t = 0 or
/// σ = 0 it returns x0). One model evaluation per step.
/// <para>
/// The view is an explicit constructor option because it is a property of the path, not of the C# type (a wrapper
/// such as REPA may hide the type). A known mismatch (Flow with <see cref="EdmInterface"/>, Edm with
/// <see cref="SiTInterface"/>) is refused before any work. The default grid is uniform for the flow view and
/// <see cref="KarrasGrid"/> for the EDM view. On the flow view the first point t = 1 has α = 0 (λ = −∞): the
/// ratios above stay finite there (e^(−h) = 0), and the next step's r = ∞ makes it first order once more.
/// </para>
/// </summary>
public sealed class DpmSolverPlusPlus2M(int steps, TimeGrid? grid = null, DpmSolverView view = DpmSolverView.Flow) : Sampler(steps, grid)
{
    /// <summary>The path the solver assumes.</summary>
    public DpmSolverView View { get; } = Enum.IsDefined(view) ? view
        : throw new ArgumentOutOfRangeException(nameof(view), view, $"Unknown DpmSolverView {view}. Valid choices: {string.Join(", ", Enum.GetNames<DpmSolverView>())}.");

    /// <inheritdoc />
    protected override TimeGrid DefaultGrid => view switch { DpmSolverView.Edm => new KarrasGrid(), DpmSolverView.Trig => new TrigGrid(), _ => new UniformGrid() };

    /// <inheritdoc />
    protected override void CheckModel(Interface model, SampleOptions options)
    {
        if ((View == DpmSolverView.Flow && model is EdmInterface) || (View == DpmSolverView.Edm && model is SiTInterface))
            throw new ArgumentException(
                $"DpmSolverPlusPlus2M with DpmSolverView.{View} does not fit {model.GetType().Name}; use DpmSolverView.{(View == DpmSolverView.Flow ? "Edm" : "Flow")}.",
                nameof(model));
        if ((View == DpmSolverView.Trig) != (model is TrigFlowInterface))
            throw new ArgumentException(
                $"DpmSolverPlusPlus2M with DpmSolverView.{View} does not fit {model.GetType().Name}: DpmSolverView.Trig is the view of TrigFlowInterface " +
                "(and of it only); use DpmSolverView.Flow for SiT-like models, DpmSolverView.Edm for EDM.", nameof(model));
    }

    /// <inheritdoc />
    protected override void Begin(SamplingRun run) => run.State = new History();

    /// <inheritdoc />
    public override Tensor Forward(SamplingRun run, int step, Tensor x) => Update(run, step, x, secondOrder: true);

    /// <summary>A first-order step (x0 itself when the grid ends at 0).</summary>
    public override Tensor LastStep(SamplingRun run, int step, Tensor x) => Update(run, step, x, secondOrder: false);

    Tensor Update(SamplingRun run, int step, Tensor x, bool secondOrder)
    {
        var history = (History)run.State!;
        double s = run.Grid[step], t = run.Grid[step + 1];
        var (alphaS, sigmaS) = Coefficients(s);
        var (alphaT, sigmaT) = Coefficients(t);
        var denoised = View == DpmSolverView.Trig ? Math.Cos(s) * x - Math.Sin(s) * run.Predict(x, s) : x - s * run.Predict(x, s);
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

    (double Alpha, double Sigma) Coefficients(double s) => View switch
    {
        DpmSolverView.Flow => (1 - s, s),
        DpmSolverView.Trig => (Math.Cos(s), Math.Sin(s)),
        _ => (1, s),
    };

    /// <summary>The previous step's x0 and h, kept outside the step scopes and disposed with the run.</summary>
    sealed class History : IDisposable
    {
        public Tensor? Denoised { get; private set; }
        public double H { get; private set; }

        public void Remember(Tensor denoised, double h)
        {
            Denoised?.Dispose();
            Denoised = denoised.detach().MoveToOuterDisposeScope();
            H = h;
        }

        public void Dispose() => Denoised?.Dispose();
    }
}
