using static TorchSharp.torch;

namespace Research.Framework.Networks;

/// <summary>The adaLN pieces shared by DiT blocks and the final layer.</summary>
internal static class AdaLn
{
    /// <summary>The reference's LayerNorm: ε = 1e-6, no scale and no bias (the modulation supplies both).</summary>
    public static Tensor Norm(Tensor x) => nn.functional.layer_norm(x, [x.shape[^1]], null, null, 1e-6);

    /// <summary>x·(1 + scale) + shift with per-sample (B, D) shift and scale broadcast over the tokens of x (B, L, D).</summary>
    public static Tensor Modulate(Tensor x, Tensor shift, Tensor scale) => x * (scale.unsqueeze(1) + 1) + shift.unsqueeze(1);
}
