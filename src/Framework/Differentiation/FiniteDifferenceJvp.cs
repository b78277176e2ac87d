using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Differentiation;

/// <summary>
/// The JVP by central differences: (f(p + εv) − f(p − εv)) / 2ε, with error O(ε²) plus round-off O(δ/ε).
/// The two extra evaluations carry no gradient. f must be deterministic (no dropout, no label drops inside):
/// three calls must see the same function.
/// </summary>
/// <param name="epsilon">The step; when null, 1e-6 for float64 and 1e-3 for lower precisions (≈ δ^(1/3)).</param>
public sealed class FiniteDifferenceJvp(double? epsilon = null) : JvpStrategy
{
    /// <inheritdoc />
    public override string Name => "finite_difference";

    /// <summary>The configured step, or null for the precision-dependent default.</summary>
    public double? Epsilon { get; } = epsilon is { } e && !(e > 0 && double.IsFinite(e))
        ? throw new ArgumentOutOfRangeException(nameof(epsilon), e, $"The finite-difference step must be a finite number > 0 (got {e}).")
        : epsilon;

    /// <inheritdoc />
    protected override JvpResult ComputeValidated(Func<Tensor[], Tensor> function, Tensor[] primals, Tensor[] tangents)
    {
        var output = function(primals);
        RequireFloatingOutput(output);
        double step = Epsilon ?? (primals[0].dtype == ScalarType.Float64 ? 1e-6 : 1e-3);
        using var noGradient = no_grad();
        using var scope = NewDisposeScope();
        var forward = function(primals.Zip(tangents, (p, v) => p + step * v).ToArray());
        var backward = function(primals.Zip(tangents, (p, v) => p - step * v).ToArray());
        var tangent = ((forward - backward) / (2 * step)).MoveToOuterDisposeScope();
        return new JvpResult(output, tangent);
    }
}
