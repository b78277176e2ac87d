using Research.Framework.Compute;
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
        x = AdaLn.Residual(x, m[2], h => AdaLn.Norm(h).Through(n => AdaLn.Modulate(n, m[0], m[1])).Through(attn.forward));
        return AdaLn.Residual(x, m[5], h => AdaLn.Norm(h).Through(n => AdaLn.Modulate(n, m[3], m[4])).Through(mlp.forward));
    }

    /// <summary><see cref="forward"/> and its tangent along (dx, dc), each step by its own rule.</summary>
    public (Tensor Y, Tensor Dy) ForwardWithTangent(Tensor x, Tensor dx, Tensor c, Tensor dc)
    {
        var (m, dm) = Modulation(adaLN_modulation, c, dc, 6);
        var (normed, dNormed) = AdaLn.Norm(x, dx);
        var (attnIn, dAttnIn) = AdaLn.Modulate(normed, dNormed, m[0], dm[0], m[1], dm[1]);
        var (attended, dAttended) = attn.ForwardWithTangent(attnIn, dAttnIn);
        (x, dx) = AdaLn.Gated(x, dx, m[2], dm[2], attended, dAttended);
        (normed, dNormed) = AdaLn.Norm(x, dx);
        var (mlpIn, dMlpIn) = AdaLn.Modulate(normed, dNormed, m[3], dm[3], m[4], dm[4]);
        var (mlpOut, dMlpOut) = mlp.ForwardWithTangent(mlpIn, dMlpIn);
        return AdaLn.Gated(x, dx, m[5], dm[5], mlpOut, dMlpOut);
    }

    /// <summary>split_n(Linear(SiLU(c))) and the chunks' tangents, for a modulation Sequential(SiLU, Linear).</summary>
    internal static (Tensor[] M, Tensor[] Dm) Modulation(Sequential modulation, Tensor c, Tensor dc, int chunks)
    {
        var (activated, dActivated) = Tangents.Silu(c, dc);
        var (m, dm) = Tangents.Linear(Tangents.LastLinear(modulation), activated, dActivated);
        return (m.chunk(chunks, 1), dm.chunk(chunks, 1));
    }
}
