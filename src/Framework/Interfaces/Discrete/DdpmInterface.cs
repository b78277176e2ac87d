using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Interfaces.Discrete;

/// <summary>
/// Discrete-time DDPM (Ho et al. 2020; cosine schedule and v-prediction per Nichol and Dhariwal 2021 and Salimans and
/// Ho 2022): T steps, x_i = √ᾱ_i·x + √(1 − ᾱ_i)·ε, the network predicts ε, x₀ or v from (x_i, t = i/T), trained
/// with i uniform on {1, …, T} and the simple loss mean_flat((F − target)²), optionally min-SNR weighted.
/// <para>
/// Time is t = i/T ∈ [0, 1] (t = 1 noise), the network sees c_noise = t (a toy with TimeScale 1000 embeds the step
/// index i), c_in = 1 and its output is the prediction itself (c_skip = 0, c_out = 1). The path
/// (<see cref="SchedulePath"/>) interpolates the schedule between steps, so Pred — the velocity dx/dt converted from
/// the prediction — exists at every t and every sampler that works from a path runs on the model: the discrete
/// <see cref="Samplers.Ddpm"/> and <see cref="Samplers.Ddim"/> on the steps, and Euler, Heun, DPM-Solver++ and
/// Euler–Maruyama (its score is −ε̂/σ) on any unit-time grid.
/// </para>
/// </summary>
public sealed class DdpmInterface : Interface, IHasScore
{
    readonly SchedulePath path;

    /// <summary>Creates the interface; training times are the uniform steps, so only <see cref="TimeDist.Uniform"/> is accepted.</summary>
    public DdpmInterface(IDiffusionNetwork network, TimeDist dist, DdpmOptions? options = null)
        : base(network, dist, options ??= new DdpmOptions())
    {
        if (dist != TimeDist.Uniform)
            throw new ArgumentException(
                $"DdpmInterface trains on steps drawn uniformly from 1..T; TimeDist.{dist} is not supported. Valid choices: {TimeDist.Uniform}.", nameof(dist));
        Options = options;
        Schedule = NoiseSchedule.Create(options.Schedule, options.TimeSteps);
        path = new SchedulePath(Schedule);
    }

    /// <summary>The validated options.</summary>
    public DdpmOptions Options { get; }

    /// <summary>The noise schedule (β, ᾱ).</summary>
    public NoiseSchedule Schedule { get; }

    /// <summary>The schedule's variance-preserving path on t = i/T.</summary>
    public override AffinePath Path => path;

    /// <summary>What the network predicts (<see cref="DdpmOptions.Prediction"/>).</summary>
    public override PredictionView View => Options.Prediction;

    /// <inheritdoc />
    public override Tensor CIn(Tensor t) => ones_like(t);
    /// <inheritdoc />
    public override Tensor COut(Tensor t) => ones_like(t);
    /// <inheritdoc />
    public override Tensor CSkip(Tensor t) => zeros_like(t);
    /// <inheritdoc />
    public override Tensor CNoise(Tensor t) => t.alias();

    /// <summary>c_in ≡ 1: the network sees x_t itself.</summary>
    protected override Tensor NetworkInput(Tensor xt, Tensor t) => xt;

    /// <summary>t = i/T with i uniform on {1, …, T} (Time stream).</summary>
    public override Tensor SampleT(params long[] shape)
    {
        using var scope = NewDisposeScope();
        var steps = DrawShard.Draw(shape, s => randint(1, Schedule.Steps + 1, s, ScalarType.Int64, Device, generator: Random.Time));
        return (steps.to_type(DType) / Schedule.Steps).MoveToOuterDisposeScope();
    }

    /// <summary>ε ~ N(0, 1) (Noise stream).</summary>
    public override Tensor SampleN(params long[] shape) => DrawShard.Draw(shape, s => randn(s, DType, Device, generator: Random.Noise));

    /// <summary>x_t = √ᾱ(t)·x + √(1 − ᾱ(t))·ε.</summary>
    public override Tensor SampleXt(Tensor x, Tensor n, Tensor t) => path.Point(x, n, PerSample(t, x));

    /// <summary>The prediction's target: ε, x₀ or v = α·ε − σ·x₀.</summary>
    public override Tensor Target(Tensor x, Tensor n, Tensor t)
    {
        t = PerSample(t, x);
        return Options.Prediction switch
        {
            PredictionView.Noise => n.alias(),
            PredictionView.Denoiser => x.alias(),
            _ => Interface.BcastRight(path.Alpha(t), x) * n - Interface.BcastRight(path.Sigma(t), x) * x,
        };
    }

    /// <summary>The network's prediction in its own view (ε, x₀ or v).</summary>
    public Tensor Predict(Tensor xt, Tensor t, Conditioning? cond = null)
    {
        t = PerSample(t, xt);
        return RunNetwork(xt, t, CNoise(t), cond).Output;
    }

    /// <summary>The velocity dx/dt on the path, converted from the network's prediction.</summary>
    public override Tensor Pred(Tensor xt, Tensor t, Conditioning? cond = null)
    {
        t = PerSample(t, xt);
        return path.Convert(xt, t, Predict(xt, t, cond), View, PredictionView.Velocity);
    }

    /// <summary>
    /// mean_flat((F − target)²) with t = i/T drawn uniformly; with <see cref="DdpmOptions.MinSnrGamma"/> γ &gt; 0 each
    /// sample is weighted by min(SNR, γ)·(∂x₀/∂F)², which turns its error into min(SNR, γ)·‖x̂₀ − x₀‖² (SNR = ᾱ/(1 − ᾱ)):
    /// min(SNR, γ)/SNR for ε, min(SNR, γ) for x₀, min(SNR, γ)/(SNR + 1) for v.
    /// </summary>
    public override LossOutput Loss(Tensor x, Conditioning? cond = null)
    {
        var t = SampleT(x.shape[0]);
        var n = SampleN(x.shape);
        var xt = SampleXt(x, n, t);
        var network = RunNetwork(xt, t, CNoise(t), cond);
        var loss = MeanFlat((network.Output - Target(x, n, t)).square());
        if (Options.MinSnrGamma > 0) loss = loss * MinSnrWeight(t);
        return new LossOutput(loss, network.Output, network.Features);
    }

    /// <summary>The min-SNR weight of each sample (see <see cref="Loss"/>).</summary>
    public Tensor MinSnrWeight(Tensor t)
    {
        var alphaBar = path.AlphaBar(t);
        var snr = alphaBar / (1 - alphaBar);
        var clipped = snr.clamp(max: Options.MinSnrGamma);
        return Options.Prediction switch
        {
            PredictionView.Noise => clipped / snr,
            PredictionView.Denoiser => clipped,
            _ => clipped / (snr + 1),
        };
    }
}
