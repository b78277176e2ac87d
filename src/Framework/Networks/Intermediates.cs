using static TorchSharp.torch;

namespace Research.Framework.Networks;

/// <summary>
/// Frees a forward pass's intermediates as soon as the next one exists, as PyTorch frees a tensor when its last reference
/// goes, rather than when the enclosing dispose scope ends: within a DiT-S/2 block at batch 32 the scope would otherwise
/// hold a dozen 12–50 MiB buffers at once. Disposing a tensor only drops this handle: a view or an autograd graph that
/// saved it for the backward pass keeps its own reference, so gradients are unchanged.
/// </summary>
internal static class Intermediates
{
    /// <summary><paramref name="next"/>(<paramref name="intermediate"/>), then frees <paramref name="intermediate"/> (unless it is the result).</summary>
    public static Tensor Through(this Tensor intermediate, Func<Tensor, Tensor> next)
    {
        var result = next(intermediate);
        if (!ReferenceEquals(result, intermediate)) intermediate.Dispose();
        return result;
    }
}
