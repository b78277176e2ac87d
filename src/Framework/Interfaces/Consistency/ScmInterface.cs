using Research.Framework.Differentiation;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Interfaces.Consistency;

/// <summary>
/// One sCM training direction at (x_t, t): the network output F_θ (with gradient), the scaled JVP
/// cos t·sin t·dF⁻/dt of the stop-gradient network along the trajectory, and the target direction g before
/// normalisation, all per sample; g is float64.
/// </summary>
public sealed record ScmDirection(Tensor F, Tensor Tangent, Tensor G);

/// <summary>
/// The continuous-time consistency loss of sCM (Lu &amp; Song 2024, arXiv 2410.11081) on TrigFlow's path. The consistency
/// function f = cos t·x_t − sin t·σ_d·F is trained so that df/dt = 0 along the PF-ODE, through the direction
/// g = cos t·df⁻/dt = −cos² t·(σ_d F⁻ − dx_t/dt) − r·(cos t sin t·x_t + σ_d·cos t sin t·dF⁻/dt)
/// (the JVP is taken along (cos t sin t·dx_t/dt, cos t sin t) for stability), with the tangent warm-up
/// r = min(1, step/WarmupSteps), the normalisation g/(‖g‖/√D + c), the prior weight 1/(σ_d tan t) and the learned
/// log-variance u(t): loss = w/e^u·mean((F_θ − F⁻ − g)²) + u. What remains to a subclass is the trajectory's tangent
/// dx_t/dt: the data's (sCT) or a teacher's (sCD).
/// </summary>
public abstract class ScmInterface : TrigFlowInterface, IConsistencyModel
{
    /// <summary>Creates the interface.</summary>
    protected ScmInterface(IDiffusionNetwork network, TimeDist dist, ScmOptions options) : base(network, dist, options) => Options = options;

    /// <summary>The validated options.</summary>
    public new ScmOptions Options { get; }

    /// <summary>
    /// dx_t/dt of the trajectory through x_t at t, detached: for sCT cos t·z − sin t·x₀, for sCD the teacher's PF-ODE.
    /// </summary>
    protected abstract Tensor TrajectoryTangent(Tensor x, Tensor z, Tensor xt, Tensor t, Conditioning? cond);

    /// <summary>r = min(1, step / WarmupSteps); 1 without warm-up.</summary>
    public double TangentWarmup(TrainingContext context) =>
        Options.WarmupSteps == 0 ? 1.0 : Math.Min(1.0, (double)context.Step / Options.WarmupSteps);

    /// <summary>
    /// F_θ(x_t, t), cos t sin t·dF⁻/dt by the configured JVP strategy along (cos t sin t·dx_t/dt, cos t sin t), and g with
    /// warm-up factor r, at the given points (see the class remarks).
    /// </summary>
    public ScmDirection Direction(Tensor xt, Tensor t, Tensor dxdt, double r, Conditioning? cond = null)
    {
        t = PerSample(t, xt);
        var scale = t.cos() * t.sin();
        JvpResult FWithTangent(Tensor[] p, Tensor[] d)
        {
            var (output, tangent) = RunNetworkWithTangent(p[0], p[1], cond ?? Conditioning.None, d[0], d[1]);
            return new JvpResult(output.Output, tangent);
        }
        var function = new JvpFunction(p => RunNetwork(p[0], p[1], CNoise(p[1]), cond).Output, NetworkHasTangent ? FWithTangent : null);
        var jvp = Options.Jvp.Compute(function, [xt, t], [BcastRight(scale, xt) * dxdt, scale]);
        using var scope = NewDisposeScope();
        var (x64, v64, f64, j64) = (xt.to_type(ScalarType.Float64), dxdt.to_type(ScalarType.Float64),
            jvp.Output.detach().to_type(ScalarType.Float64), jvp.Tangent.to_type(ScalarType.Float64));
        var t64 = BcastRight(t.to_type(ScalarType.Float64), x64);
        var g = -t64.cos().square() * (SigmaData * f64 - v64) - r * (t64.cos() * t64.sin() * x64 + SigmaData * j64);
        return new ScmDirection(jvp.Output, jvp.Tangent, g.detach().MoveToOuterDisposeScope());
    }

    /// <summary>g / (‖g‖/√D + c) per sample: the norm is made independent of the data size D.</summary>
    public Tensor NormalizeDirection(Tensor g)
    {
        double elements = g.shape.Skip(1).Aggregate(1.0, (product, size) => product * size);
        var norm = BcastRight(SumFlat(g.square()).sqrt() / Math.Sqrt(elements), g);
        return g / (norm + Options.TangentNormConstant);
    }

    /// <summary>The loss with every schedule at its end (r = 1), for use outside a training run.</summary>
    public override LossOutput Loss(Tensor x, Conditioning? cond = null) => Loss(x, cond, TrainingContext.Finished);

    /// <summary>The sCM loss at a point of training (its step sets the tangent warm-up); the aux output is F_θ.</summary>
    public override LossOutput Loss(Tensor x, Conditioning? cond, TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var t = SampleT(x.shape[0]);
        var z = SampleN(x.shape);
        var xt = SampleXt(x, z, t);
        var dxdt = TrajectoryTangent(x, z, xt, t, cond).detach();
        var direction = Direction(xt, t, dxdt, TangentWarmup(context), cond);
        var g = NormalizeDirection(direction.G);
        var output = direction.F;
        var f64 = output.to_type(ScalarType.Float64);
        var loss = MeanFlat((f64 - f64.detach() - g).square());
        if (Options.PriorWeight) loss = loss / (SigmaData * t.to_type(ScalarType.Float64).tan());
        if (LogVarianceHead is { } head) loss = LogVarianceWeighting.Apply(head, loss, CNoise(t));
        var terms = new Dictionary<string, Tensor>
        {
            [LossOutput.LossKey] = loss.to_type(x.dtype),
            // ‖g‖/√D before normalisation: how far f still is from constant along the trajectories (0 at the optimum).
            ["direction_norm"] = (SumFlat(direction.G.square()) / (g.numel() / g.shape[0])).sqrt().to_type(x.dtype),
        };
        return new LossOutput(terms, output, []);
    }
}
