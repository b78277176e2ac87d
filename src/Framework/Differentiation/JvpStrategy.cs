using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Differentiation;

/// <summary>A function's value at the primal point and its directional derivative J·v there.</summary>
/// <param name="Output">f(primals), still attached to the autograd graph of whatever f depends on (parameters).</param>
/// <param name="Tangent">J·v, detached (a stop-gradient quantity).</param>
public sealed record JvpResult(Tensor Output, Tensor Tangent);

/// <summary>
/// A function of tensors to differentiate, with its forward-mode rule where one is known (a network that implements
/// <c>ITangentNetwork</c>). Strategies that do not use the rule evaluate <paramref name="Evaluate"/> alone.
/// </summary>
/// <param name="Evaluate">f(primals).</param>
/// <param name="WithTangent">
/// (primals, tangents) → (f(primals), attached to the autograd graph as <paramref name="Evaluate"/> leaves it, and
/// J_f(primals)·tangents, detached), in one primal pass plus a tangent pass; null when f has no such rule.
/// </param>
public sealed record JvpFunction(Func<Tensor[], Tensor> Evaluate, Func<Tensor[], Tensor[], JvpResult>? WithTangent = null);

/// <summary>
/// Jacobian-vector products. TorchSharp has no forward-mode AD, so three strategies stand in for jax.jvp:
/// <see cref="ForwardModeJvp"/> (exact; the function's own tangent rule, one primal pass plus a cheaper tangent pass,
/// double-VJP where the function has no rule), <see cref="DoubleVjpJvp"/> (exact, about three forward passes) and
/// <see cref="FiniteDifferenceJvp"/> (central differences; approximate, needs a deterministic f).
/// <para>
/// Contract: f is called first at the primal point with autograd enabled, and that call's result is
/// <see cref="JvpResult.Output"/>; callers may capture side results (features) from that first call.
/// Inputs are validated before any autograd call, because an error inside torch.autograd.grad kills the process.
/// </para>
/// </summary>
public abstract class JvpStrategy
{
    /// <summary>The exact double-VJP strategy.</summary>
    public static JvpStrategy DoubleVjp { get; } = new DoubleVjpJvp();

    /// <summary>The forward-mode strategy (double-VJP for functions without a tangent rule).</summary>
    public static JvpStrategy ForwardMode { get; } = new ForwardModeJvp();

    /// <summary>The name used in configurations ("forward_mode", "double_vjp", "finite_difference").</summary>
    public abstract string Name { get; }

    /// <summary>Computes f(primals) and J_f(primals)·tangents.</summary>
    public JvpResult Compute(Func<Tensor[], Tensor> function, Tensor[] primals, Tensor[] tangents)
    {
        ArgumentNullException.ThrowIfNull(function);
        return Compute(new JvpFunction(function), primals, tangents);
    }

    /// <summary>Computes f(primals) and J_f(primals)·tangents, by f's forward-mode rule where this strategy uses one.</summary>
    public JvpResult Compute(JvpFunction function, Tensor[] primals, Tensor[] tangents)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(function.Evaluate, nameof(function));
        Validate(primals, tangents);
        return ComputeValidated(function, primals, tangents);
    }

    /// <summary>Computes the JVP once the inputs are known to be consistent.</summary>
    protected abstract JvpResult ComputeValidated(Func<Tensor[], Tensor> function, Tensor[] primals, Tensor[] tangents);

    /// <summary>Computes the JVP of a function that may carry a tangent rule; strategies that use no rule evaluate f alone.</summary>
    protected virtual JvpResult ComputeValidated(JvpFunction function, Tensor[] primals, Tensor[] tangents) =>
        ComputeValidated(function.Evaluate, primals, tangents);

    /// <summary>The accepted names, as an error message lists them.</summary>
    public const string ValidNames = "'forward_mode', 'double_vjp', 'finite_difference'";

    /// <summary>
    /// Parses "forward_mode" / "forwardmode", "double_vjp" / "doublevjp" or "finite_difference" / "finitedifference"
    /// (any case, '_' or '-' or nothing between the words).
    /// </summary>
    public static JvpStrategy Parse(string text) => text.Replace("_", "").Replace("-", "").ToLowerInvariant() switch
    {
        "forwardmode" => ForwardMode,
        "doublevjp" => DoubleVjp,
        "finitedifference" or "fd" => new FiniteDifferenceJvp(),
        _ => throw new ArgumentException($"Unknown JVP strategy '{text}'. Valid choices: {ValidNames}.", nameof(text)),
    };

    /// <inheritdoc />
    public override string ToString() => Name;

    static void Validate(Tensor[] primals, Tensor[] tangents)
    {
        ArgumentNullException.ThrowIfNull(primals);
        ArgumentNullException.ThrowIfNull(tangents);
        if (primals.Length == 0) throw new ArgumentException("A JVP needs at least one primal input.", nameof(primals));
        if (primals.Length != tangents.Length)
            throw new ArgumentException($"A JVP needs one tangent per primal: got {primals.Length} primals and {tangents.Length} tangents.", nameof(tangents));
        for (int i = 0; i < primals.Length; i++)
        {
            Tensor p = primals[i], v = tangents[i];
            if (p is null || v is null) throw new ArgumentNullException(nameof(primals), $"Primal or tangent {i} is null.");
            if (!is_floating_point(p))
                throw new ArgumentException($"Primal {i} has type {p.dtype}; a JVP needs floating-point inputs.", nameof(primals));
            if (!p.shape.SequenceEqual(v.shape))
                throw new ArgumentException($"Tangent {i} has shape [{string.Join(", ", v.shape)}] but its primal has shape [{string.Join(", ", p.shape)}]; they must match.", nameof(tangents));
            if (p.dtype != v.dtype)
                throw new ArgumentException($"Tangent {i} has type {v.dtype} but its primal has type {p.dtype}; they must match.", nameof(tangents));
            if (p.device.ToString() != v.device.ToString())
                throw new ArgumentException($"Tangent {i} is on {v.device} but its primal is on {p.device}; they must match.", nameof(tangents));
        }
    }

    /// <summary>Throws unless the function returned a floating-point tensor.</summary>
    protected static void RequireFloatingOutput(Tensor output)
    {
        if (output is null) throw new InvalidOperationException("The JVP function returned null.");
        if (!is_floating_point(output))
            throw new InvalidOperationException($"The JVP function returned a tensor of type {output.dtype}; it must be floating-point.");
    }
}
