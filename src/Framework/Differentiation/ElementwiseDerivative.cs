using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Differentiation;

/// <summary>
/// The derivative of an elementwise function of a vector, such as an interface's c_in(t) or c_noise(t) of per-sample
/// times, for the chain rule of a forward-mode JVP. It is exact (autograd through f on a detached copy of t, a first
/// backward over B numbers), so no schedule needs a hand-written derivative.
/// </summary>
public static class ElementwiseDerivative
{
    /// <summary>
    /// f′(t) (shape of t, detached), or null when f(t) does not depend on t (a constant such as SiT's c_in = 1).
    /// f must act elementwise: output i may depend on t_i alone (the derivative is the row sums of the Jacobian).
    /// </summary>
    public static Tensor? At(Func<Tensor, Tensor> function, Tensor t)
    {
        ArgumentNullException.ThrowIfNull(function);
        if (!is_floating_point(t)) throw new ArgumentException($"t has type {t.dtype}; a derivative needs a floating-point t.", nameof(t));
        using var gradients = enable_grad();
        var leaf = t.detach().requires_grad_(true);
        var value = function(leaf);
        if (!value.requires_grad) return null;
        // Checked here: an error inside torch.autograd.grad terminates the process.
        if (!value.shape.SequenceEqual(leaf.shape))
            throw new InvalidOperationException(
                $"An elementwise time function returned shape [{string.Join(", ", value.shape)}] for t of shape [{string.Join(", ", leaf.shape)}]; they must match.");
        var derivative = autograd.grad([value], [leaf], [ones_like(value)], allow_unused: true)[0];
        return derivative is { IsInvalid: false } d ? d.detach() : null;
    }
}
