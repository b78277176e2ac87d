using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Networks.Lightning;

/// <summary>
/// The SwiGLU feed-forward (Shazeer 2020) of LightningDiT: [a, b] = split₂(Linear_{D→2h}(x)), y = Linear_{h→D}(SiLU(a)⊙b),
/// with h = ⌊⅔·⌊D·ratio⌋⌋ so the parameter count stays near a GELU MLP's. Init: Xavier-uniform on both (fused) weights,
/// zero biases, as the reference's <c>_basic_init</c>.
/// <para>State names: <c>w12.weight</c> (2h, D), <c>w12.bias</c>, <c>w3.weight</c> (D, h), <c>w3.bias</c>.</para>
/// </summary>
public sealed class SwiGluFfn : nn.Module<Tensor, Tensor>
{
    private readonly Linear w12;
    private readonly Linear w3;

    public SwiGluFfn(int hiddenSize, int ffnHidden, Generator generator) : base(nameof(SwiGluFfn))
    {
        w12 = nn.Linear(hiddenSize, 2 * ffnHidden);
        SeededInit.XavierUniform(w12, generator);
        w3 = nn.Linear(ffnHidden, hiddenSize);
        SeededInit.XavierUniform(w3, generator);
        RegisterComponents();
    }

    /// <summary>(…, D) → (…, D).</summary>
    public override Tensor forward(Tensor x)
    {
        return w12.forward(x).Through(Gated).Through(w3.forward);
    }

    /// <summary>SiLU(a)⊙b of the projection's two halves; each intermediate is freed once used.</summary>
    static Tensor Gated(Tensor projected)
    {
        var halves = projected.chunk(2, -1);
        using Tensor a = halves[0], b = halves[1];
        return nn.functional.silu(a).Through(activated => activated * b);
    }

    /// <summary><see cref="forward"/> and its tangent: the Linears' and SiLU's rules and the product rule d(s·b) = ds·b + s·db.</summary>
    public (Tensor Y, Tensor Dy) ForwardWithTangent(Tensor x, Tensor dx)
    {
        var (h, dh) = Tangents.Linear(w12, x, dx);
        var halves = h.chunk(2, -1);
        var dHalves = dh.chunk(2, -1);
        var (s, ds) = Tangents.Silu(halves[0], dHalves[0]);
        var gated = s * halves[1];
        Tensor dGated;
        using (no_grad()) dGated = ds * halves[1] + s * dHalves[1];
        return Tangents.Linear(w3, gated, dGated);
    }
}
