using Research.Framework.Differentiation;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Interfaces;

/// <summary>
/// A diffusion or flow-matching formulation around a network: preconditioning (c_in, c_out, c_skip, c_noise),
/// the transport path (SampleT, SampleN, SampleXt, Target), the sampling tangent (Pred) and the training loss.
/// Time convention: t ∈ [0, 1] with t = 0 data and t = 1 noise for flow interfaces; t = sigma for EDM.
/// Capabilities that samplers need are C# interfaces (<see cref="IHasScore"/>, <see cref="ITwoTimeModel"/>).
/// </summary>
public abstract class Interface
{
    /// <summary>Validates <paramref name="options"/> and creates the random streams on its device.</summary>
    protected Interface(IDiffusionNetwork network, TimeDist trainTimeDist, InterfaceOptions options)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Network = network;
        TrainTimeDist = trainTimeDist;
        Device = options.Device ?? CPU;
        DType = options.DType;
        Random = new RandomStreams(options.Seed, Device);
        if (network is ILabelDropoutNetwork { NumClasses: not null } dropping) dropping.LabelDropout = Random.LabelDropout;
    }

    /// <summary>
    /// For wrappers (REPA): shares <paramref name="inner"/>'s network, time distribution, random streams, device and type,
    /// so wrapping changes no draw.
    /// </summary>
    protected Interface(Interface inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Network = inner.Network;
        TrainTimeDist = inner.TrainTimeDist;
        Device = inner.Device;
        DType = inner.DType;
        Random = inner.Random;
    }

    /// <summary>The wrapped network.</summary>
    public IDiffusionNetwork Network { get; }

    /// <summary>The training-time distribution.</summary>
    public TimeDist TrainTimeDist { get; }

    /// <summary>The random streams the interface draws from.</summary>
    public RandomStreams Random { get; }

    /// <summary>Device of every tensor the interface creates.</summary>
    public Device Device { get; }

    /// <summary>Floating type of every tensor the interface creates.</summary>
    public ScalarType DType { get; }

    /// <summary>Input preconditioning: the network sees c_in(t)·x_t.</summary>
    public abstract Tensor CIn(Tensor t);

    /// <summary>Output preconditioning: D = c_skip·x_t + c_out·F.</summary>
    public abstract Tensor COut(Tensor t);

    /// <summary>Skip preconditioning: D = c_skip·x_t + c_out·F.</summary>
    public abstract Tensor CSkip(Tensor t);

    /// <summary>The time value the network receives.</summary>
    public abstract Tensor CNoise(Tensor t);

    /// <summary>Draws training times of the given shape from the training-time distribution (Time stream).</summary>
    public abstract Tensor SampleT(params long[] shape);

    /// <summary>Draws noise of the given shape (Noise stream).</summary>
    public abstract Tensor SampleN(params long[] shape);

    /// <summary>The point on the transport path between data x and noise n at time t (t per sample).</summary>
    public abstract Tensor SampleXt(Tensor x, Tensor n, Tensor t);

    /// <summary>The regression target at (x, n, t).</summary>
    public abstract Tensor Target(Tensor x, Tensor n, Tensor t);

    /// <summary>The ODE tangent dx/dt at (x_t, t), the quantity the samplers integrate.</summary>
    public abstract Tensor Pred(Tensor xt, Tensor t, Conditioning? cond = null);

    /// <summary>
    /// The transport path x_t = α(t)·x + σ(t)·n this interface samples on, or null when it describes none. Samplers
    /// ask it (not the interface's type) to turn Pred into x₀, noise or score, for their grid coefficients and for
    /// the noise scale at the first grid point; those that need it refuse a model without one before any work.
    /// </summary>
    public virtual AffinePath? Path => null;

    /// <summary>
    /// What the interface's model predicts on <see cref="Path"/> before it becomes Pred (SiT: velocity, EDM: denoiser,
    /// DDPM: noise, data or v). Pred itself is always the velocity dx_t/dt.
    /// </summary>
    public virtual PredictionView View => PredictionView.Velocity;

    /// <summary>
    /// The score ∇ log p_t(x_t). Only interfaces that implement <see cref="IHasScore"/> have one; the others
    /// throw, and samplers that need a score check the capability before any work. With a <see cref="Path"/> it is
    /// −E[n | x_t]/σ from Pred (one formula for every path, see <see cref="AffinePath"/>).
    /// </summary>
    public virtual Tensor Score(Tensor xt, Tensor t, Conditioning? cond = null)
    {
        if (Path is not { } path)
            throw new NotSupportedException($"{GetType().Name} has no score (it does not implement {nameof(IHasScore)}).");
        t = PerSample(t, xt);
        return path.Score(xt, t, Pred(xt, t, cond));
    }

    /// <summary>
    /// The per-sample training loss for a clean batch x (draws t and n from the model's streams).
    /// The result holds the key "loss" and the network output and features (for wrappers such as REPA).
    /// </summary>
    public abstract LossOutput Loss(Tensor x, Conditioning? cond = null);

    /// <summary>
    /// The loss at a known point of training (the trainer calls this one). Losses with schedules of their own (sCM's
    /// tangent warm-up) override it; the others ignore the context.
    /// </summary>
    public virtual LossOutput Loss(Tensor x, Conditioning? cond, TrainingContext context) => Loss(x, cond);

    /// <summary>The null (unconditional) label for every sample: NumClasses, never a hard-coded class count.</summary>
    public Tensor NullLabels(long batch)
    {
        if (Network.NumClasses is not int classes)
            throw new InvalidOperationException(
                $"{GetType().Name} needs the null (unconditional) label, but its network ({Network.GetType().Name}) has no classes " +
                "(NumClasses is null). Give the network NumClasses (the null label is NumClasses), or turn off what asks for it " +
                "(classifier-free guidance, condition dropout).");
        return full([batch], classes, ScalarType.Int64, Device);
    }

    /// <summary>The mean over every axis but the first (one value per sample).</summary>
    public static Tensor MeanFlat(Tensor x) =>
        x.dim() <= 1 ? x.alias() : x.mean(Enumerable.Range(1, (int)x.dim() - 1).Select(i => (long)i).ToArray());

    /// <summary>The sum over every axis but the first (one value per sample).</summary>
    public static Tensor SumFlat(Tensor x) =>
        x.dim() <= 1 ? x.alias() : x.sum(Enumerable.Range(1, (int)x.dim() - 1).Select(i => (long)i).ToArray());

    /// <summary>Reshapes x (for example a per-sample vector (B)) to x.shape + (1, ...) so it broadcasts against y.</summary>
    public static Tensor BcastRight(Tensor x, Tensor y)
    {
        long extra = y.dim() - x.dim();
        if (extra < 0)
            throw new ArgumentException($"Cannot broadcast a tensor of shape [{string.Join(", ", x.shape)}] to the right against the lower-rank shape [{string.Join(", ", y.shape)}].");
        return extra == 0 ? x.alias() : x.reshape([.. x.shape, .. Enumerable.Repeat(1L, (int)extra)]);
    }

    /// <summary>The resolution time shift t' = s·t / (1 + (s − 1)·t); s = 1 is the identity.</summary>
    public static Tensor TShift(Tensor t, double shift) => t * shift / (1 + (shift - 1) * t);

    /// <summary>
    /// Returns t as a per-sample vector (B) for a batch x: a scalar is expanded, a vector must have length B.
    /// Validated here because a shape error inside some native ops cannot be caught.
    /// </summary>
    protected static Tensor PerSample(Tensor t, Tensor x)
    {
        long batch = x.shape[0];
        if (t.dim() == 0) return t.expand(batch);
        if (t.dim() == 1 && t.shape[0] == batch) return t;
        throw new ArgumentException($"t must be a scalar or a per-sample vector of length {batch} (the batch of x, shape [{string.Join(", ", x.shape)}]); got shape [{string.Join(", ", t.shape)}].");
    }

    /// <summary>Training times from the training distribution with the options' Gaussian (Time stream).</summary>
    protected Tensor SampleTimes(long[] shape, PathOptions options) =>
        DrawShard.Draw(shape, s => TimeDistributions.Sample(TrainTimeDist, s, options.TMu, options.TSigma, Random.Time, Device, DType));

    /// <summary>Noise N(NMu, NSigma²) (Noise stream).</summary>
    protected Tensor SampleNoise(long[] shape, PathOptions options) =>
        DrawShard.Draw(shape, s => randn(s, DType, Device, generator: Random.Noise)).mul_(options.NSigma).add_(options.NMu);

    /// <summary>
    /// Runs the network on c_in(t)·x_t with the time value <paramref name="networkTime"/>. A network of another floating
    /// type (<see cref="NetworkDType"/>: bf16 weights under <c>--Precision bf16</c>) gets its inputs cast to its type and
    /// its output and features cast back to <see cref="DType"/>, the cast an autocast does at a module's entry and exit.
    /// </summary>
    protected NetworkOutput RunNetwork(Tensor xt, Tensor t, Tensor networkTime, Conditioning? cond)
    {
        var input = NetworkInput(xt, t);
        cond ??= Conditioning.None;
        if (NarrowNetworkType is not { } narrow) return Network.Forward(input, networkTime, cond);
        return Widened(Network.Forward(input.to_type(narrow), networkTime.to_type(narrow), cond with { Dt = cond.Dt?.to_type(narrow) }));
    }

    /// <summary>The network's floating type where it differs from <see cref="DType"/> (<see cref="NetworkDType"/>), else null.</summary>
    ScalarType? NarrowNetworkType => NetworkDType.Of(Network) is { } narrow && narrow != DType ? narrow : null;

    /// <summary>A narrow network's output and features cast back to <see cref="DType"/>.</summary>
    NetworkOutput Widened(NetworkOutput output) =>
        output with { Output = output.Output.to_type(DType), Features = output.Features.Select(f => f.to_type(DType)).ToArray() };

    /// <summary>Whether the network has a forward-mode rule (<see cref="ITangentNetwork"/>), so a JVP through it needs no double backward.</summary>
    protected bool NetworkHasTangent => Network is ITangentNetwork;

    /// <summary>
    /// <see cref="RunNetwork"/> at (x_t, t) with the time value c_noise(t), and its tangent along (dx_t, dt) and, for a
    /// two-time network, d(dt), by the network's forward-mode rule. The preconditioning's tangent is the chain rule: the
    /// network sees c_in(t)·x_t, whose tangent is c_in(t)·dx_t + c_in′(t)·dt·x_t, and the time c_noise(t), whose tangent
    /// is c_noise′(t)·dt (exact derivatives of the per-sample schedules, <see cref="ElementwiseDerivative"/>).
    /// </summary>
    protected (NetworkOutput Output, Tensor Tangent) RunNetworkWithTangent(Tensor xt, Tensor t, Conditioning cond, Tensor dxt, Tensor dt, Tensor? dDt = null)
    {
        var network = Network as ITangentNetwork ?? throw new InvalidOperationException(
            $"{GetType().Name}: the network ({Network.GetType().Name}) has no forward-mode rule (it is not an {nameof(ITangentNetwork)}); use a double-VJP JVP.");
        Tensor inputTangent, timeTangent;
        using (no_grad())
        {
            inputTangent = NetworkInput(dxt, t); // c_in(t)·dx_t: the input is linear in x_t
            if (ElementwiseDerivative.At(CIn, t) is { } inputSlope) inputTangent = inputTangent + BcastRight(inputSlope * dt, xt) * xt;
            timeTangent = ElementwiseDerivative.At(CNoise, t) is { } timeSlope ? timeSlope * dt : zeros_like(t);
        }
        var (input, time) = (NetworkInput(xt, t), CNoise(t));
        if (NarrowNetworkType is not { } narrow) return network.ForwardWithTangent(input, time, cond, new NetworkTangent(inputTangent, timeTangent, dDt));
        // The same casts as RunNetwork's, tangents included: a float32 tensor meeting bf16 weights aborts the process.
        var (output, tangent) = network.ForwardWithTangent(input.to_type(narrow), time.to_type(narrow), cond with { Dt = cond.Dt?.to_type(narrow) },
            new NetworkTangent(inputTangent.to_type(narrow), timeTangent.to_type(narrow), dDt?.to_type(narrow)));
        return (Widened(output), tangent.to_type(DType));
    }

    /// <summary>
    /// c_in(t)·x_t, what the network sees. Interfaces whose c_in is identically 1 override it to skip a full-size
    /// multiply and allocation on every evaluation (it showed up as sampler overhead).
    /// </summary>
    protected virtual Tensor NetworkInput(Tensor xt, Tensor t) => BcastRight(CIn(t), xt) * xt;
}
