using Research.Framework.Compute;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Networks.Lightning;

/// <summary>
/// A LightningDiT block: DiT's adaLN-Zero block with RMSNorm in place of the affine-free LayerNorm, RoPE (and optional
/// qk-norm) attention and a SwiGLU feed-forward. With the adaLN shift (the published configuration):
/// (shift₁, scale₁, gate₁, shift₂, scale₂, gate₂) = split₆(Linear(SiLU(c))); without it (the reference's <c>wo_shift</c>)
/// (scale₁, gate₁, scale₂, gate₂) = split₄(…) and the shifts are 0. Then
/// x ← x + gate₁·Attn(RMSNorm₁(x)(1 + scale₁) + shift₁); x ← x + gate₂·FFN(RMSNorm₂(x)(1 + scale₂) + shift₂).
/// The modulation Linear is zero-initialised, so a fresh block is the identity.
/// <para>State names: <c>norm1.weight</c>, <c>norm2.weight</c> (D), <c>attn.*</c> (<see cref="RopeAttention"/>),
/// <c>mlp.*</c> (<see cref="SwiGluFfn"/>), <c>adaLN_modulation.1.weight</c> (6D or 4D, D), <c>adaLN_modulation.1.bias</c>.</para>
/// </summary>
public sealed class LightningDiTBlock : nn.Module
{
    private readonly RmsNorm norm1;
    private readonly RmsNorm norm2;
    private readonly RopeAttention attn;
    private readonly SwiGluFfn mlp;
    private readonly Sequential adaLN_modulation;
    private readonly bool shift;

    public LightningDiTBlock(int hiddenSize, int numHeads, int ffnHidden, bool qkNorm, bool adaLnShift, Generator generator) : base(nameof(LightningDiTBlock))
    {
        norm1 = new RmsNorm(hiddenSize);
        norm2 = new RmsNorm(hiddenSize);
        attn = new RopeAttention(hiddenSize, numHeads, qkNorm, generator);
        mlp = new SwiGluFfn(hiddenSize, ffnHidden, generator);
        shift = adaLnShift;
        var modulation = nn.Linear(hiddenSize, (adaLnShift ? 6 : 4) * hiddenSize);
        SeededInit.Zero(modulation.weight);
        SeededInit.Zero(modulation.bias);
        adaLN_modulation = nn.Sequential(nn.SiLU(), modulation);
        RegisterComponents();
    }

    /// <summary>Tokens x (B, L, D), conditioning c (B, D) and the grid's rotary tables → (B, L, D).</summary>
    public Tensor Forward(Tensor x, Tensor c, VisionRope rope)
    {
        var m = adaLN_modulation.forward(c).chunk(shift ? 6 : 4, 1);
        int width = shift ? 3 : 2; // each branch's chunks: [shift,] scale, gate
        x = AdaLn.Residual(x, m[GateIndex(0)], h => attn.Forward(Modulate(norm1.forward(h), m, 0), rope));
        return AdaLn.Residual(x, m[GateIndex(width)], h => mlp.forward(Modulate(norm2.forward(h), m, width)));
    }

    /// <summary>x·(1 + scale) [+ shift] with the branch's chunks starting at <paramref name="first"/>.</summary>
    Tensor Modulate(Tensor x, Tensor[] m, int first) =>
        shift ? AdaLn.Modulate(x, m[first], m[first + 1]) : x * m[first].unsqueeze(1).add(HeldScalars.One, HeldScalars.One);

    int GateIndex(int first) => first + (shift ? 2 : 1);

    /// <summary><see cref="Forward"/> and its tangent along (dx, dc), each step by its own rule.</summary>
    public (Tensor Y, Tensor Dy) ForwardWithTangent(Tensor x, Tensor dx, Tensor c, Tensor dc, VisionRope rope)
    {
        var (m, dm) = DiTBlock.Modulation(adaLN_modulation, c, dc, shift ? 6 : 4);
        int width = shift ? 3 : 2;
        var (normed, dNormed) = norm1.ForwardWithTangent(x, dx);
        var (attnIn, dAttnIn) = Modulate(normed, dNormed, m, dm, 0);
        var (attended, dAttended) = attn.ForwardWithTangent(attnIn, dAttnIn, rope);
        (x, dx) = AdaLn.Gated(x, dx, m[width - 1], dm[width - 1], attended, dAttended);
        (normed, dNormed) = norm2.ForwardWithTangent(x, dx);
        var (mlpIn, dMlpIn) = Modulate(normed, dNormed, m, dm, width);
        var (mlpOut, dMlpOut) = mlp.ForwardWithTangent(mlpIn, dMlpIn);
        return AdaLn.Gated(x, dx, m[2 * width - 1], dm[2 * width - 1], mlpOut, dMlpOut);
    }

    /// <summary><see cref="Modulate(Tensor, Tensor[], int)"/> and its tangent dx·(1 + scale) + x·dscale [+ dshift].</summary>
    (Tensor Y, Tensor Dy) Modulate(Tensor x, Tensor dx, Tensor[] m, Tensor[] dm, int first)
    {
        if (shift) return AdaLn.Modulate(x, dx, m[first], dm[first], m[first + 1], dm[first + 1]);
        var y = Modulate(x, m, first);
        using var _ = no_grad();
        return (y, (dx * m[first].unsqueeze(1).add(HeldScalars.One, HeldScalars.One)).addcmul_(x, dm[first].unsqueeze(1), HeldScalars.One));
    }
}
