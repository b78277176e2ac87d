using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Interfaces;

/// <summary>Options of <see cref="EdmInterface"/>, with the reference's defaults (EDM's own are TMu −1.2, TSigma 1.2).</summary>
public record EdmOptions : PathOptions
{
    /// <summary>
    /// EDM2's uncertainty-weighted loss (Karras et al. 2024): λ(σ)/e^u·mean((D − x)²) + u with u the network's learned
    /// per-time log-variance (needs Network.LogVarianceHead).
    /// </summary>
    public bool LogVarianceWeighting { get; init; }
}

/// <summary>
/// EDM (Karras et al. 2022): t is sigma, x_t = x + t·n, the denoiser D = c_skip·x_t + c_out·F(c_in·x_t, c_noise)
/// is trained towards x with weight λ = (t² + σ_d²)/(t·σ_d)².
/// <para>
/// Score: this port uses the textbook ∇ log p_t(x_t) = (D − x_t)/t² = −Pred/t (Tweedie). The reference's
/// −(x_t − Pred)/t² is not a score (it is wrong even for Gaussian data); Euler–Maruyama needs the true one.
/// </para>
/// </summary>
public class EdmInterface : Interface, IHasScore
{
    /// <summary>Creates the interface; every <see cref="TimeDist"/> is allowed (log-normal is EDM's own).</summary>
    public EdmInterface(IDiffusionNetwork network, TimeDist dist, EdmOptions? options = null)
        : base(network, dist, options ??= new EdmOptions())
    {
        Options = options;
        logVarianceHead = LogVarianceWeighting.HeadFor(options.LogVarianceWeighting, network, $"{GetType().Name}: {options.GetType().Name}.LogVarianceWeighting");
    }

    readonly ILogVarianceNetwork? logVarianceHead;

    /// <summary>The validated options.</summary>
    public EdmOptions Options { get; }

    double SigmaData2 => Options.XSigma * Options.XSigma;

    /// <summary>c_in = 1 / sqrt(σ_d² + t²).</summary>
    public override Tensor CIn(Tensor t) => (t.square() + SigmaData2).rsqrt();
    /// <summary>c_out = t·σ_d / sqrt(t² + σ_d²).</summary>
    public override Tensor COut(Tensor t) => t * Options.XSigma * (t.square() + SigmaData2).rsqrt();
    /// <summary>c_skip = σ_d² / (t² + σ_d²).</summary>
    public override Tensor CSkip(Tensor t) => SigmaData2 / (t.square() + SigmaData2);
    /// <summary>c_noise = ln(t) / 4.</summary>
    public override Tensor CNoise(Tensor t) => t.log() / 4;

    /// <summary>The loss weight λ(t) = (t² + σ_d²) / (t·σ_d)².</summary>
    public Tensor LossWeight(Tensor t) => (t.square() + SigmaData2) / (t * Options.XSigma).square();

    /// <inheritdoc />
    public override Tensor SampleT(params long[] shape) => SampleTimes(shape, Options);

    /// <inheritdoc />
    public override Tensor SampleN(params long[] shape) => SampleNoise(shape, Options);

    /// <summary>x_t = x + t·n.</summary>
    public override Tensor SampleXt(Tensor x, Tensor n, Tensor t) => x + BcastRight(PerSample(t, x), n) * n;

    /// <summary>The clean data x.</summary>
    public override Tensor Target(Tensor x, Tensor n, Tensor t) => x.alias();

    /// <summary>The denoiser D(x_t, t) = c_skip·x_t + c_out·F(c_in·x_t, c_noise(t)).</summary>
    public Tensor Denoise(Tensor xt, Tensor t, Conditioning? cond = null) => Denoise(xt, PerSample(t, xt), cond, out _);

    Tensor Denoise(Tensor xt, Tensor t, Conditioning? cond, out NetworkOutput network)
    {
        network = RunNetwork(xt, t, CNoise(t), cond);
        return BcastRight(CSkip(t), xt) * xt + BcastRight(COut(t), xt) * network.Output;
    }

    /// <summary>The probability-flow ODE tangent dx/dσ = (x_t − D) / t.</summary>
    public override Tensor Pred(Tensor xt, Tensor t, Conditioning? cond = null)
    {
        t = PerSample(t, xt);
        return (xt - Denoise(xt, t, cond, out _)) / BcastRight(t, xt);
    }

    /// <summary>x_σ = x + σ·n: the variance-exploding path, on which the model is the denoiser D.</summary>
    public override AffinePath Path => VarianceExplodingPath.Instance;

    /// <summary>The denoiser D (the score (D − x_σ)/σ² follows from it through the path).</summary>
    public override PredictionView View => PredictionView.Denoiser;

    /// <summary>
    /// mean_flat(λ(t)·(D − x)²) with t drawn from the training distribution (with the log-variance weight: L/e^u + u);
    /// the aux output is D.
    /// </summary>
    public override LossOutput Loss(Tensor x, Conditioning? cond = null)
    {
        var sigma = SampleT(x.shape[0]);
        var n = SampleN(x.shape);
        var xt = SampleXt(x, n, sigma);
        var denoised = Denoise(xt, sigma, cond, out var network);
        var loss = MeanFlat(BcastRight(LossWeight(sigma), x) * (denoised - Target(x, n, sigma)).square());
        if (logVarianceHead is { } head) loss = LogVarianceWeighting.Apply(head, loss, CNoise(sigma));
        return new LossOutput(loss, denoised, network.Features);
    }
}
