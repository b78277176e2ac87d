using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Interfaces;

/// <summary>Options of <see cref="SiTInterface"/>, with the reference's defaults.</summary>
public record SiTOptions : PathOptions
{
    /// <summary>
    /// Data size at which the time shift is 1: training t is shifted by s = sqrt(prod(x.shape[1:]) / TShiftBase).
    /// The reference's 4096 suits 32×32×4 latents; for other data set it to the data's size (2 for 2-D toys),
    /// or s ≪ 1 pushes nearly every training time to the data end and the model never learns the noise end.
    /// </summary>
    public double TShiftBase { get; init; } = 4096;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        OptionChecks.Positive(TShiftBase, $"{GetType().Name}.TShiftBase");
    }
}

/// <summary>
/// Linear flow matching (SiT): x_t = (1 − t)·x + t·n, the network predicts the velocity v = n − x.
/// c_in = 1, c_out = 1, c_skip = 0, c_noise = t. Training times: uniform or logit-normal, then shifted for resolution.
/// </summary>
public class SiTInterface : Interface, IHasScore
{
    /// <summary>Creates the interface; LogNormal times are rejected (they are not in [0, 1]).</summary>
    public SiTInterface(IDiffusionNetwork network, TimeDist dist, SiTOptions? options = null)
        : base(network, dist, options ??= new SiTOptions())
    {
        if (dist == TimeDist.LogNormal)
            throw new ArgumentException(
                $"{GetType().Name} needs training times in [0, 1]; TimeDist.LogNormal is not supported. " +
                $"Valid choices: {TimeDist.Uniform}, {TimeDist.LogitNormal}.", nameof(dist));
        Options = options;
    }

    /// <summary>The validated options.</summary>
    public SiTOptions Options { get; }

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

    /// <inheritdoc />
    public override Tensor SampleT(params long[] shape) => SampleTimes(shape, Options);

    /// <inheritdoc />
    public override Tensor SampleN(params long[] shape) => SampleNoise(shape, Options);

    /// <summary>x_t = (1 − t)·x + t·n.</summary>
    public override Tensor SampleXt(Tensor x, Tensor n, Tensor t)
    {
        var tb = BcastRight(PerSample(t, x), x);
        return (1 - tb) * x + tb * n;
    }

    /// <summary>The velocity v = n − x.</summary>
    public override Tensor Target(Tensor x, Tensor n, Tensor t) => n - x;

    /// <summary>The predicted velocity v(x_t, t).</summary>
    public override Tensor Pred(Tensor xt, Tensor t, Conditioning? cond = null)
    {
        t = PerSample(t, xt);
        return RunNetwork(xt, t, CNoise(t), cond).Output;
    }

    /// <summary>x_t = (1 − t)·x + t·n: the linear path, on which the network predicts the velocity.</summary>
    public override AffinePath Path => LinearPath.Instance;

    /// <summary>The velocity v = n − x.</summary>
    public override PredictionView View => PredictionView.Velocity;

    /// <summary>The resolution shift sqrt(prod(x.shape[1:]) / TShiftBase) applied to training times.</summary>
    public double ResolutionShift(Tensor x) =>
        Math.Sqrt(x.shape.Skip(1).Aggregate(1.0, (product, size) => product * size) / Options.TShiftBase);

    /// <summary>mean_flat((network(x_t, t) − (n − x))²) with t drawn, then resolution-shifted.</summary>
    public override LossOutput Loss(Tensor x, Conditioning? cond = null)
    {
        var t = TShift(SampleT(x.shape[0]), ResolutionShift(x));
        var n = SampleN(x.shape);
        var xt = SampleXt(x, n, t);
        var network = RunNetwork(xt, t, CNoise(t), cond);
        return new LossOutput(MeanFlat((network.Output - Target(x, n, t)).square()), network.Output, network.Features);
    }
}
