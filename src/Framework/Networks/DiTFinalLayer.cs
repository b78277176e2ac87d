using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Networks;

/// <summary>
/// DiT's final layer: (shift, scale) = split₂(Linear(SiLU(c))); y = Linear_{D→p²C}(LN(x)(1 + scale) + shift), where LN is
/// the affine-free LayerNorm, or for LightningDiT an <see cref="RmsNorm"/> with its learnable weight.
/// Both Linears are zero-initialised (weights and biases), which makes the whole network output exactly 0 at init.
/// <para>State names: <c>adaLN_modulation.1.weight</c> (2D, D), <c>adaLN_modulation.1.bias</c>,
/// <c>linear.weight</c> (p²C, D), <c>linear.bias</c>; with RMSNorm <c>norm_final.weight</c> (D).</para>
/// </summary>
public sealed class DiTFinalLayer : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Sequential adaLN_modulation;
    private readonly Linear linear;
    private readonly RmsNorm? norm_final;

    public DiTFinalLayer(int hiddenSize, int outputSize, bool rmsNorm = false) : base(nameof(DiTFinalLayer))
    {
        if (rmsNorm) norm_final = new RmsNorm(hiddenSize);
        var modulation = nn.Linear(hiddenSize, 2 * hiddenSize);
        linear = nn.Linear(hiddenSize, outputSize);
        foreach (var l in new[] { modulation, linear })
        {
            SeededInit.Zero(l.weight);
            SeededInit.Zero(l.bias);
        }
        adaLN_modulation = nn.Sequential(nn.SiLU(), modulation);
        RegisterComponents();
    }

    /// <summary>Tokens (B, L, D) and c (B, D) → patch vectors (B, L, p²C).</summary>
    public override Tensor forward(Tensor x, Tensor c)
    {
        var m = adaLN_modulation.forward(c).chunk(2, 1);
        return linear.forward(AdaLn.Modulate(norm_final?.forward(x) ?? AdaLn.Norm(x), m[0], m[1]));
    }

    /// <summary><see cref="forward"/> and its tangent along (dx, dc).</summary>
    public (Tensor Y, Tensor Dy) ForwardWithTangent(Tensor x, Tensor dx, Tensor c, Tensor dc)
    {
        var (m, dm) = DiTBlock.Modulation(adaLN_modulation, c, dc, 2);
        var (normed, dNormed) = norm_final?.ForwardWithTangent(x, dx) ?? AdaLn.Norm(x, dx);
        var (modulated, dModulated) = AdaLn.Modulate(normed, dNormed, m[0], dm[0], m[1], dm[1]);
        return Tangents.Linear(linear, modulated, dModulated);
    }
}
