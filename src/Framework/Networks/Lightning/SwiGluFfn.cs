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
        w3 = nn.Linear(ffnHidden, hiddenSize);
        foreach (var linear in new[] { w12, w3 })
        {
            SeededInit.XavierUniform(linear.weight!, generator);
            SeededInit.Zero(linear.bias);
        }
        RegisterComponents();
    }

    /// <summary>(…, D) → (…, D).</summary>
    public override Tensor forward(Tensor x)
    {
        var halves = w12.forward(x).chunk(2, -1);
        return w3.forward(nn.functional.silu(halves[0]) * halves[1]);
    }
}
