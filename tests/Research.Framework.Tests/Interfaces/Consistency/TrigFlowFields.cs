using Research.Framework.Interfaces;
using Research.Framework.Interfaces.Consistency;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Interfaces.Consistency;

/// <summary>
/// Closed forms for TrigFlow on data N(0, s²) with σ_d = 0.5: x_t = cos t·x₀ + sin t·z, z ~ N(0, σ_d²), so
/// x_t ~ N(0, V(t)) with V = s² cos² t + σ_d² sin² t. The networks receive x_t/σ_d and c_noise = t, as TrigFlow passes them.
/// </summary>
internal static class TrigFlowFields
{
    public const double SigmaData = 0.5;
    public static readonly TrigFlowOptions Options64 = new() { DType = ScalarType.Float64, Seed = 7 };

    public static Tensor Variance(Tensor t, double s) => (s * s) * t.cos().square() + (SigmaData * SigmaData) * t.sin().square();

    /// <summary>E[x₀ | x_t] = s² cos t·x_t / V (Gaussian conditioning: Cov(x₀, x_t) = s² cos t).</summary>
    public static Tensor Denoiser(Tensor xt, Tensor t, double s) => (s * s) * t.cos() * xt / Variance(t, s);

    /// <summary>
    /// The diffusion model's exact F: σ_d·F = E[dx_t/dt | x_t] = E[cos t·z − sin t·x₀ | x_t]
    /// = (cos t·x_t − E[x₀ | x_t]) / sin t, using z = (x_t − cos t·x₀)/sin t.
    /// </summary>
    public static Tensor DiffusionF(Tensor input, Tensor t, double s)
    {
        var tb = Interface.BcastRight(t, input);
        var xt = input * SigmaData;
        return (tb.cos() * xt - Denoiser(xt, tb, s)) / (tb.sin() * SigmaData);
    }

    /// <summary>
    /// The exact consistency function: the PF-ODE of Gaussian data is the linear map x_t ∝ √V(t), so the point of x_t's
    /// trajectory at t = 0 is f = x_t·s/√V(t); F follows from f = cos t·x_t − sin t·σ_d·F.
    /// </summary>
    public static Tensor ConsistencyF(Tensor input, Tensor t, double s)
    {
        var tb = Interface.BcastRight(t, input);
        var xt = input * SigmaData;
        var f = xt * s / Variance(tb, s).sqrt();
        return (tb.cos() * xt - f) / (tb.sin() * SigmaData);
    }

    /// <summary>dx/dt of the PF-ODE: x_t·(d/dt √V)/√V = x_t·(σ_d² − s²)·sin t·cos t / V.</summary>
    public static Tensor OdeVelocity(Tensor xt, Tensor t, double s)
    {
        var tb = Interface.BcastRight(t, xt);
        return xt * ((SigmaData * SigmaData - s * s) * tb.sin() * tb.cos()) / Variance(tb, s);
    }

    public static TrigFlowInterface Gaussian(double s) =>
        new(new LambdaNetwork((input, t, c) => DiffusionF(input, t, s)), TimeDist.LogNormal, Options64);
}
