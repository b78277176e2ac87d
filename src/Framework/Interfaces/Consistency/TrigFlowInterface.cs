using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Interfaces.Consistency;

/// <summary>
/// Options of <see cref="TrigFlowInterface"/>. The time law's Gaussian (TMu, TSigma) is that of log σ with
/// σ = σ_d·tan t (sCM's P_mean −1.0, P_std 1.4); XSigma is σ_d; the noise z = σ_d·N(NMu, NSigma²).
/// </summary>
public record TrigFlowOptions : PathOptions
{
    /// <summary>Creates the options with sCM's time law.</summary>
    public TrigFlowOptions()
    {
        TMu = -1.0;
        TSigma = 1.4;
    }

    /// <summary>
    /// Weights the loss by a learned per-time log-variance u(t) (L/e^u + u, EDM2's uncertainty weight); needs a network
    /// with a log-variance head (Network.LogVarianceHead).
    /// </summary>
    public bool LogVarianceWeighting { get; init; }
}

/// <summary>
/// TrigFlow (Lu &amp; Song 2024, "sCM", arXiv 2410.11081): t ∈ [0, π/2], x_t = cos t·x₀ + sin t·z with z ~ N(0, σ_d²).
/// The network sees x_t/σ_d and c_noise = t and predicts F; the PF-ODE is dx/dt = σ_d·F and the training target (a
/// v-prediction) is dx_t/dt = cos t·z − sin t·x₀. The denoiser (consistency function) is
/// f = cos t·x_t − sin t·σ_d·F, i.e. c_skip = cos t, c_out = −σ_d sin t, c_in = 1/σ_d.
/// <para>
/// Relation to EDM: σ = σ_d·tan t and the EDM input is x_t / cos t. Training times follow the tan-log-normal law
/// t = atan(e^{N(TMu, TSigma²)}/σ_d) (TimeDist.LogNormal); Uniform gives U(0, π/2) and LogitNormal (π/2)·sigmoid(N).
/// Samplers run from t near π/2 (<see cref="Samplers.TrigGrid"/>) down to 0, where x_t is the data.
/// </para>
/// </summary>
public class TrigFlowInterface : Interface, IHasScore
{
    /// <summary>Creates the interface; a log-variance weight without a head on the network is refused here.</summary>
    public TrigFlowInterface(IDiffusionNetwork network, TimeDist dist, TrigFlowOptions? options = null)
        : base(network, dist, options ??= new TrigFlowOptions())
    {
        Options = options;
        LogVarianceHead = LogVarianceWeighting.HeadFor(options.LogVarianceWeighting, network, $"{GetType().Name}: {options.GetType().Name}.LogVarianceWeighting");
    }

    /// <summary>The validated options.</summary>
    public TrigFlowOptions Options { get; }

    /// <summary>σ_d, the data (and noise) scale.</summary>
    public double SigmaData => Options.XSigma;

    /// <summary>The network's log-variance head when the loss is weighted by it, else null.</summary>
    protected ILogVarianceNetwork? LogVarianceHead { get; }

    /// <summary>c_in = 1/σ_d.</summary>
    public override Tensor CIn(Tensor t) => full_like(t, 1 / SigmaData);
    /// <summary>c_out = −σ_d·sin t.</summary>
    public override Tensor COut(Tensor t) => -SigmaData * t.sin();
    /// <summary>c_skip = cos t.</summary>
    public override Tensor CSkip(Tensor t) => t.cos();
    /// <summary>c_noise = t (the paper's choice; the network's own time embedding scale applies on top).</summary>
    public override Tensor CNoise(Tensor t) => t.alias();

    /// <summary>The network sees x_t/σ_d (c_in is a constant).</summary>
    protected override Tensor NetworkInput(Tensor xt, Tensor t) => xt / SigmaData;

    /// <summary>x_t = cos t·x₀ + σ_d sin t·n: samplers take their start scale (σ_d sin T), x₀ and the score from it.</summary>
    public override AffinePath Path => path ??= new TrigPath(SigmaData);
    TrigPath? path;

    /// <summary>σ = σ_d·tan t, the EDM noise level of time t.</summary>
    public Tensor SigmaOf(Tensor t) => SigmaData * t.tan();

    /// <summary>t = atan(σ/σ_d), the TrigFlow time of an EDM noise level σ.</summary>
    public Tensor TimeOf(Tensor sigma) => (sigma / SigmaData).atan();

    /// <summary>Training times: tan-log-normal (LogNormal), U(0, π/2) (Uniform) or (π/2)·logit-normal.</summary>
    public override Tensor SampleT(params long[] shape)
    {
        using var scope = NewDisposeScope();
        var drawn = SampleTimes(shape, Options);
        var t = TrainTimeDist == TimeDist.LogNormal ? TimeOf(drawn) : drawn * (Math.PI / 2);
        return t.MoveToOuterDisposeScope();
    }

    /// <summary>z = σ_d·N(NMu, NSigma²).</summary>
    public override Tensor SampleN(params long[] shape) => SampleNoise(shape, Options).mul_(SigmaData);

    /// <summary>x_t = cos t·x₀ + sin t·z.</summary>
    public override Tensor SampleXt(Tensor x, Tensor n, Tensor t)
    {
        var tb = BcastRight(PerSample(t, x), x);
        return tb.cos() * x + tb.sin() * n;
    }

    /// <summary>The velocity dx_t/dt = cos t·z − sin t·x₀.</summary>
    public override Tensor Target(Tensor x, Tensor n, Tensor t)
    {
        var tb = BcastRight(PerSample(t, x), x);
        return tb.cos() * n - tb.sin() * x;
    }

    /// <summary>The raw network output F(x_t/σ_d, c_noise(t)) and its features.</summary>
    public NetworkOutput F(Tensor xt, Tensor t, Conditioning? cond = null) => RunNetwork(xt, PerSample(t, xt), CNoise(PerSample(t, xt)), cond);

    /// <summary>The PF-ODE tangent dx/dt = σ_d·F.</summary>
    public override Tensor Pred(Tensor xt, Tensor t, Conditioning? cond = null) => SigmaData * F(xt, t, cond).Output;

    /// <summary>The denoiser / consistency function f = cos t·x_t − sin t·σ_d·F (the path's x̂ from the velocity).</summary>
    public Tensor Denoise(Tensor xt, Tensor t, Conditioning? cond = null)
    {
        t = PerSample(t, xt);
        return Path.Denoised(xt, t, Pred(xt, t, cond));
    }

    /// <summary>
    /// mean_flat((F − v/σ_d)²) = mean_flat((σ_d·F − v)²)/σ_d², the v-prediction loss in units of the data scale,
    /// optionally weighted by the learned log-variance; the aux output is F.
    /// </summary>
    public override LossOutput Loss(Tensor x, Conditioning? cond = null)
    {
        var t = SampleT(x.shape[0]);
        var n = SampleN(x.shape);
        var xt = SampleXt(x, n, t);
        var network = RunNetwork(xt, t, CNoise(t), cond);
        var loss = MeanFlat((network.Output - Target(x, n, t) / SigmaData).square());
        if (LogVarianceHead is { } head) loss = LogVarianceWeighting.Apply(head, loss, CNoise(t));
        return new LossOutput(loss, network.Output, network.Features);
    }
}
