using Research.Framework.Differentiation;

namespace Research.Framework.Interfaces.Consistency;

/// <summary>
/// Options of the continuous-time consistency losses (sCT, sCD; Lu &amp; Song 2024), on top of TrigFlow's path and time
/// law. The defaults are the paper's, except the warm-up, which a toy run of a few thousand steps must shorten.
/// </summary>
public record ScmOptions : TrigFlowOptions
{
    /// <summary>Creates the options; the learned log-variance weight is on by default (the paper's adaptive weight).</summary>
    public ScmOptions() => LogVarianceWeighting = true;

    /// <summary>Tangent warm-up: r = min(1, step / WarmupSteps) multiplies the second term of g (0: r = 1 from the start).</summary>
    public long WarmupSteps { get; init; } = 10_000;

    /// <summary>c of the tangent normalisation g ← g / (‖g‖/√D + c) (&gt; 0).</summary>
    public double TangentNormConstant { get; init; } = 0.1;

    /// <summary>Weights each sample by the prior 1/σ = 1/(σ_d·tan t).</summary>
    public bool PriorWeight { get; init; } = true;

    /// <summary>
    /// How the JVP dF⁻/dt is computed: forward mode (default; the network's tangent rule, double-VJP for a network
    /// without one), exact double-VJP, or central finite differences.
    /// </summary>
    public JvpStrategy Jvp { get; init; } = JvpStrategy.ForwardMode;

    /// <summary>
    /// The JVP of dF⁻/dt by name, as a setting: forward_mode (default: the network's own tangent rule where it has one,
    /// ToyMlp, DiT and LightningDiT do, else double_vjp), double_vjp or finite_difference.
    /// </summary>
    public string JvpMethod { get => Jvp.Name; init => Jvp = JvpStrategy.Parse(value); }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        var name = GetType().Name;
        if (WarmupSteps < 0) throw new ArgumentOutOfRangeException($"{name}.WarmupSteps", WarmupSteps, $"{name}.WarmupSteps must be ≥ 0 (got {WarmupSteps}).");
        OptionChecks.Positive(TangentNormConstant, $"{name}.TangentNormConstant");
        if (Jvp is null) throw new ArgumentNullException($"{name}.Jvp", $"{name}.Jvp must be a JVP strategy ({JvpStrategy.ValidNames}).");
    }
}

/// <summary>Options of <see cref="SctInterface"/>.</summary>
public record SctOptions : ScmOptions;
