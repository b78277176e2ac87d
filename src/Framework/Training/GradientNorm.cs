using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Training;

/// <summary>
/// The global L2 norm of the gradients, and clipping to a maximum norm, as tensors on the parameters' device: nothing
/// is read to the host, so a training step queues its work without waiting for it. The arithmetic is that of torch's
/// <c>clip_grad_norm_</c> (per-tensor norms, the norm of their stack, coefficient max/(norm + 1e-6) clamped at 1),
/// which returns the norm as a host number and so waits for the device every step.
/// </summary>
public static class GradientNorm
{
    /// <summary>The true norm √Σ‖g‖² over the parameters that have a gradient (the reference logs its square); 0 when none has.</summary>
    public static Tensor Of(IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var norms = new List<Tensor>(parameters.Count);
        foreach (var p in parameters)
            if (p.grad is { } grad) norms.Add(grad.norm());
        return norms.Count switch
        {
            0 => zeros([], parameters.Count > 0 ? parameters[0].dtype : ScalarType.Float32, parameters.Count > 0 ? parameters[0].device : CPU),
            1 => norms[0],
            _ => stack(norms).norm(),
        };
    }

    /// <summary>Scales the gradients in place so that their norm is at most <paramref name="maxNorm"/>; returns the norm before clipping.</summary>
    public static Tensor Clip(IReadOnlyList<Parameter> parameters, double maxNorm)
    {
        var total = Of(parameters);
        using var noGradient = no_grad();
        using var coefficient = (maxNorm / (total + 1e-6)).clamp_max(1.0);
        foreach (var p in parameters)
            p.grad?.mul_(coefficient);
        return total;
    }
}
