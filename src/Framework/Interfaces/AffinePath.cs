using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Interfaces;

/// <summary>
/// A Gaussian transport path x_t = α(t)·x + σ(t)·n between data x and noise n (flow_matching's AffineProbPath),
/// and the conversions between the views of a prediction at (x_t, t), written once for every interface and sampler.
/// <para>
/// Any view gives the pair (x̂, n̂) = (E[x | x_t], E[n | x_t]) that satisfies x_t = α·x̂ + σ·n̂; from it:
/// velocity α'·x̂ + σ'·n̂, denoiser x̂, noise n̂, v = α·n̂ − σ·x̂, score −n̂/σ. From the velocity d, with
/// det = α·σ' − α'·σ: x̂ = (σ'·x_t − σ·d)/det and n̂ = (α·d − α'·x_t)/det (SiT: x̂ = x_t − t·d, n̂ = x_t + (1 − t)·d;
/// EDM: x̂ = x_t − σ·d, n̂ = d).
/// </para>
/// Times are per-sample vectors (B) or scalars; coefficients are broadcast to the right against x_t.
/// </summary>
public abstract class AffinePath
{
    /// <summary>What t is (unit time or σ), which decides the grids that fit this path.</summary>
    public abstract PathTime Time { get; }

    /// <summary>True when α ≡ 1 (x_t = x + σ·n): adding noise then moves x_σ to a larger σ (EDM's churn).</summary>
    public virtual bool IsVarianceExploding => false;

    /// <summary>α(t), the data coefficient.</summary>
    public abstract Tensor Alpha(Tensor t);

    /// <summary>σ(t), the noise coefficient.</summary>
    public abstract Tensor Sigma(Tensor t);

    /// <summary>dα/dt.</summary>
    public abstract Tensor AlphaDerivative(Tensor t);

    /// <summary>dσ/dt.</summary>
    public abstract Tensor SigmaDerivative(Tensor t);

    /// <summary>
    /// (α(t), σ(t)) at one host time, for samplers that work with per-step scalars. Paths with a closed form override it
    /// in plain doubles: a grid's mapping onto a path calls it some hundred times a point (bisection), and every tensor
    /// operation with a number makes a TorchSharp Scalar that, in TorchSharp 0.107, only the finalizer frees.
    /// </summary>
    public virtual (double Alpha, double Sigma) At(double t)
    {
        using var scope = NewDisposeScope();
        var time = tensor(t, ScalarType.Float64);
        return (Alpha(time).item<double>(), Sigma(time).item<double>());
    }

    /// <summary>x_t = α·x + σ·n.</summary>
    public Tensor Point(Tensor x, Tensor noise, Tensor t) => Right(Alpha(t), x) * x + Right(Sigma(t), x) * noise;

    /// <summary>The conditional velocity α'·x + σ'·n (the flow-matching target).</summary>
    public Tensor Velocity(Tensor x, Tensor noise, Tensor t) => Right(AlphaDerivative(t), x) * x + Right(SigmaDerivative(t), x) * noise;

    /// <summary>The pair (x̂, n̂) that a prediction in view <paramref name="view"/> at (x_t, t) stands for.</summary>
    public (Tensor Data, Tensor Noise) Decompose(Tensor xt, Tensor t, Tensor prediction, PredictionView view)
    {
        var alpha = Right(Alpha(t), xt);
        var sigma = Right(Sigma(t), xt);
        switch (view)
        {
            case PredictionView.Denoiser:
                return (prediction.alias(), (xt - alpha * prediction) / sigma);
            case PredictionView.Noise:
                return ((xt - sigma * prediction) / alpha, prediction.alias());
            case PredictionView.Score:
                var noise = -sigma * prediction;
                return ((xt - sigma * noise) / alpha, noise);
            case PredictionView.V:
                // v = α·n − σ·x and x_t = α·x + σ·n solve to x = (α·x_t − σ·v)/(α² + σ²), n = (σ·x_t + α·v)/(α² + σ²).
                var norm = alpha.square() + sigma.square();
                return ((alpha * xt - sigma * prediction) / norm, (sigma * xt + alpha * prediction) / norm);
            case PredictionView.Velocity:
                var alphaDot = Right(AlphaDerivative(t), xt);
                var sigmaDot = Right(SigmaDerivative(t), xt);
                var det = alpha * sigmaDot - alphaDot * sigma;
                return ((sigmaDot * xt - sigma * prediction) / det, (alpha * prediction - alphaDot * xt) / det);
            default:
                throw new ArgumentOutOfRangeException(nameof(view), view, $"Unknown PredictionView {view}. Valid choices: {string.Join(", ", Enum.GetNames<PredictionView>())}.");
        }
    }

    /// <summary>The view <paramref name="to"/> of what the prediction in view <paramref name="from"/> at (x_t, t) stands for.</summary>
    public Tensor Convert(Tensor xt, Tensor t, Tensor prediction, PredictionView from, PredictionView to)
    {
        if (from == to) return prediction.alias();
        using var scope = NewDisposeScope();
        var (data, noise) = Decompose(xt, t, prediction, from);
        var converted = to switch
        {
            PredictionView.Denoiser => data,
            PredictionView.Noise => noise,
            PredictionView.Score => -noise / Right(Sigma(t), xt),
            PredictionView.V => Right(Alpha(t), xt) * noise - Right(Sigma(t), xt) * data,
            PredictionView.Velocity => Right(AlphaDerivative(t), xt) * data + Right(SigmaDerivative(t), xt) * noise,
            _ => throw new ArgumentOutOfRangeException(nameof(to), to, $"Unknown PredictionView {to}. Valid choices: {string.Join(", ", Enum.GetNames<PredictionView>())}."),
        };
        return converted.MoveToOuterDisposeScope();
    }

    /// <summary>The denoised estimate x̂ = E[x | x_t] from the velocity (Pred) at (x_t, t).</summary>
    public Tensor Denoised(Tensor xt, Tensor t, Tensor velocity) => Convert(xt, t, velocity, PredictionView.Velocity, PredictionView.Denoiser);

    /// <summary>The score ∇ log p_t(x_t) = −n̂/σ from the velocity (Pred) at (x_t, t); undefined where σ = 0.</summary>
    public Tensor Score(Tensor xt, Tensor t, Tensor velocity) => Convert(xt, t, velocity, PredictionView.Velocity, PredictionView.Score);

    /// <summary>A per-sample (B) or scalar coefficient shaped to broadcast against x.</summary>
    static Tensor Right(Tensor coefficient, Tensor x) => coefficient.dim() == 0 ? coefficient.alias() : Interface.BcastRight(coefficient, x);
}
