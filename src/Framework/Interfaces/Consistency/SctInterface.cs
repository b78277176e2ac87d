using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Interfaces.Consistency;

/// <summary>
/// sCT, continuous-time consistency training from data (Lu &amp; Song 2024): the sCM loss of <see cref="ScmInterface"/>
/// with the trajectory tangent of the sampled pair itself, dx_t/dt = cos t·z − sin t·x₀ (an unbiased estimate of the
/// PF-ODE's tangent).
/// </summary>
public class SctInterface : ScmInterface
{
    /// <summary>Creates the interface; the log-variance weight (on by default) needs the network's head.</summary>
    public SctInterface(IDiffusionNetwork network, TimeDist dist, SctOptions? options = null)
        : base(network, dist, options ?? new SctOptions()) { }

    /// <summary>cos t·z − sin t·x₀.</summary>
    protected override Tensor TrajectoryTangent(Tensor x, Tensor z, Tensor xt, Tensor t, Conditioning? cond) => Target(x, z, t);
}
