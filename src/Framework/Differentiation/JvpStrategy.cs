using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Differentiation;

/// <summary>A function's value at the primal point and its directional derivative J·v there.</summary>
/// <param name="Output">f(primals), still attached to the autograd graph of whatever f depends on (parameters).</param>
/// <param name="Tangent">J·v, detached (a stop-gradient quantity).</param>
public sealed record JvpResult(Tensor Output, Tensor Tangent);

/// <summary>
/// Jacobian-vector products. TorchSharp has no forward-mode AD, so two strategies stand in for jax.jvp:
/// <see cref="DoubleVjpJvp"/> (exact, about three forward passes) and <see cref="FiniteDifferenceJvp"/>
/// (central differences; approximate, needs a deterministic f).
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

    /// <summary>The name used in configurations ("double_vjp", "finite_difference").</summary>
    public abstract string Name { get; }

    /// <summary>Computes f(primals) and J_f(primals)·tangents.</summary>
    public JvpResult Compute(Func<Tensor[], Tensor> function, Tensor[] primals, Tensor[] tangents)
    {
        ArgumentNullException.ThrowIfNull(function);
        Validate(primals, tangents);
        return ComputeValidated(function, primals, tangents);
    }

    /// <summary>Computes the JVP once the inputs are known to be consistent.</summary>
    protected abstract JvpResult ComputeValidated(Func<Tensor[], Tensor> function, Tensor[] primals, Tensor[] tangents);

    /// <summary>Parses "double_vjp" / "doublevjp" or "finite_difference" / "finitedifference" (any case).</summary>
    public static JvpStrategy Parse(string text) => text.Replace("_", "").Replace("-", "").ToLowerInvariant() switch
    {
        "doublevjp" => DoubleVjp,
        "finitedifference" or "fd" => new FiniteDifferenceJvp(),
        _ => throw new ArgumentException($"Unknown JVP strategy '{text}'. Valid choices: 'double_vjp', 'finite_difference'.", nameof(text)),
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
