using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Networks;

/// <summary>
/// An adaLN-Zero transformer block. From c: (shift₁, scale₁, gate₁, shift₂, scale₂, gate₂) = split₆(Linear(SiLU(c)))
/// in exactly this order; x ← x + gate₁·Attn(LN(x)(1 + scale₁) + shift₁); x ← x + gate₂·MLP(LN(x)(1 + scale₂) + shift₂).
/// The modulation Linear is zero-initialised, so a fresh block is the identity.
/// <para>State names: <c>attn.*</c> (<see cref="SelfAttention"/>), <c>mlp.*</c> (<see cref="TransformerMlp"/>),
/// <c>adaLN_modulation.1.weight</c> (6D, D), <c>adaLN_modulation.1.bias</c>.</para>
/// </summary>
public sealed class DiTBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly SelfAttention attn;
    private readonly TransformerMlp mlp;
    private readonly Sequential adaLN_modulation;

    public DiTBlock(int hiddenSize, int numHeads, int mlpHidden, Generator generator) : base(nameof(DiTBlock))
    {
        attn = new SelfAttention(hiddenSize, numHeads, generator);
        mlp = new TransformerMlp(hiddenSize, mlpHidden, generator);
        var modulation = nn.Linear(hiddenSize, 6 * hiddenSize);
        SeededInit.Zero(modulation.weight);
        SeededInit.Zero(modulation.bias);
        adaLN_modulation = nn.Sequential(nn.SiLU(), modulation);
        RegisterComponents();
    }

    /// <summary>Tokens x (B, L, D) and conditioning c (B, D) → (B, L, D).</summary>
    public override Tensor forward(Tensor x, Tensor c)
    {
        var m = adaLN_modulation.forward(c).chunk(6, 1);
        x = x + m[2].unsqueeze(1) * attn.forward(AdaLn.Modulate(AdaLn.Norm(x), m[0], m[1]));
        return x + m[5].unsqueeze(1) * mlp.forward(AdaLn.Modulate(AdaLn.Norm(x), m[3], m[4]));
    }
}
