using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Interfaces.Consistency;

/// <summary>
/// A consistency model: its denoiser f(x_t, t) maps any point of a PF-ODE trajectory to the trajectory's start at
/// t = 0 in one evaluation, so it samples in one or a few steps (<see cref="Samplers.ConsistencySampler"/>). Its
/// network is trained for that map, not for the ODE's tangent or the score, so ODE/SDE samplers make no sense on it
/// (the generator rejects those pairings).
/// </summary>
public interface IConsistencyModel
{
    /// <summary>f(x_t, t): the estimate of the trajectory's point at t = 0.</summary>
    Tensor Denoise(Tensor xt, Tensor t, Conditioning? cond = null);

    /// <summary>σ_d, the scale of the noise the sampler re-noises with: x_s = cos s·x₀ + sin s·σ_d·ε.</summary>
    double SigmaData { get; }
}
