using static TorchSharp.torch;

namespace Research.Framework.Differentiation;

/// <summary>
/// The exact JVP by the function's own forward-mode rule (<see cref="JvpFunction.WithTangent"/>): one primal pass that
/// records the autograd graph, and a tangent pass without autograd (the tangent is a stop-gradient quantity), so no
/// double backward. The networks the framework ships have such a rule (<c>ITangentNetwork</c>: ToyMlp, DiT); for a
/// function without one (a plain delegate, another network) this strategy falls back to <see cref="DoubleVjpJvp"/>.
/// </summary>
public sealed class ForwardModeJvp : JvpStrategy
{
    /// <inheritdoc />
    public override string Name => "forward_mode";

    /// <summary>No rule: the exact double-VJP.</summary>
    protected override JvpResult ComputeValidated(Func<Tensor[], Tensor> function, Tensor[] primals, Tensor[] tangents) =>
        DoubleVjp.Compute(function, primals, tangents);

    /// <inheritdoc />
    protected override JvpResult ComputeValidated(JvpFunction function, Tensor[] primals, Tensor[] tangents)
    {
        if (function.WithTangent is not { } rule) return ComputeValidated(function.Evaluate, primals, tangents);
        var result = rule(primals, tangents);
        RequireFloatingOutput(result.Output);
        if (!result.Tangent.shape.SequenceEqual(result.Output.shape))
            throw new InvalidOperationException(
                $"The tangent rule returned a tangent of shape [{string.Join(", ", result.Tangent.shape)}] for an output of shape [{string.Join(", ", result.Output.shape)}]; they must match.");
        return result.Tangent.requires_grad ? result with { Tangent = result.Tangent.detach() } : result;
    }
}
