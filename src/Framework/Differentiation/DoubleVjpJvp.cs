using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Differentiation;

/// <summary>
/// The exact JVP by the double-VJP trick: with a dummy u that requires grad, g = Jᵀu is linear in u, and the
/// VJP of g with respect to u along v is J·v. Costs about three forward passes.
/// <para>
/// libtorch's flash attention kernel has no double backward (a JVP through it aborts the process), so flash
/// SDPA is switched off while f runs and differentiates, then restored.
/// </para>
/// </summary>
public sealed class DoubleVjpJvp : JvpStrategy
{
    /// <inheritdoc />
    public override string Name => "double_vjp";

    /// <summary>
    /// The flash switch is one process-wide libtorch setting, so JVPs on several threads share one "off" period: the
    /// first to start saves the setting and switches it off, the last to finish restores it. (Each saving and
    /// restoring on its own would let one thread switch flash back on under another, aborting the process.)
    /// </summary>
    static readonly Lock FlashGate = new();
    static int flashOffCount;
    static bool flashBefore;

    /// <inheritdoc />
    protected override JvpResult ComputeValidated(Func<Tensor[], Tensor> function, Tensor[] primals, Tensor[] tangents)
    {
        lock (FlashGate)
        {
            if (flashOffCount++ == 0)
            {
                flashBefore = backends.cuda.flash_sdp_enabled();
                backends.cuda.enable_flash_sdp(false);
            }
        }
        try
        {
            using var gradients = enable_grad();
            var inputs = primals.Select(p => p.detach().requires_grad_(true)).ToArray();
            var output = function(inputs);
            RequireFloatingOutput(output);
            if (!output.requires_grad) return new JvpResult(output, zeros_like(output));

            var dummy = zeros_like(output).requires_grad_(true);
            var vjp = autograd.grad([output], inputs, [dummy], retain_graph: true, create_graph: true, allow_unused: true);

            // Inputs that f does not use (or uses only through non-differentiable paths) contribute nothing.
            var used = Enumerable.Range(0, inputs.Length)
                .Where(i => vjp[i] is { IsInvalid: false } g && g.requires_grad)
                .ToArray();
            if (used.Length == 0) return new JvpResult(output, zeros_like(output));

            var jvp = autograd.grad(
                used.Select(i => vjp[i]).ToArray(), [dummy], used.Select(i => tangents[i]).ToArray(),
                retain_graph: true, create_graph: false, allow_unused: true)[0];
            bool defined = jvp is { IsInvalid: false };
            return new JvpResult(output, defined ? jvp!.detach() : zeros_like(output));
        }
        finally
        {
            lock (FlashGate)
                if (--flashOffCount == 0) backends.cuda.enable_flash_sdp(flashBefore);
        }
    }
}
