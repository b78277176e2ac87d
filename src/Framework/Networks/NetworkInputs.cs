using Research.Framework.Interfaces;
using static TorchSharp.torch;

namespace Research.Framework.Networks;

/// <summary>
/// The input checks of the image transformers (DiT, LightningDiT), made before any native op sees the tensors: a shape
/// error inside some of them kills the process instead of throwing.
/// </summary>
internal static class NetworkInputs
{
    /// <summary>Checks x (B, C, S, S), t (B), dt (B) where the model takes it and labels (B) where it has them; returns B.</summary>
    public static long Check(Tensor x, Tensor t, Conditioning cond, int channels, int side, bool takesDt, bool hasLabels)
    {
        ArgumentNullException.ThrowIfNull(cond);
        var (b, c, h, w) = Patches.Shape4(x, nameof(x));
        if (c != channels || h != side || w != side)
            throw new ArgumentException($"expected x (B, {channels}, {side}, {side}), got [{string.Join(", ", x.shape)}]", nameof(x));
        RequireVector(t, b, nameof(t));
        if (takesDt && cond.Dt is not null) RequireVector(cond.Dt, b, "cond.Dt");
        if (hasLabels && cond.Labels is not null) RequireVector(cond.Labels, b, "cond.Labels");
        return b;
    }

    /// <summary>Throws unless <paramref name="v"/> is a vector of length <paramref name="batch"/>.</summary>
    public static void RequireVector(Tensor v, long batch, string name)
    {
        if (v.ndim != 1 || v.shape[0] != batch) throw new ArgumentException($"{name} must have shape ({batch}), got [{string.Join(", ", v.shape)}]", name);
    }
}
