using Research.Framework.Compute;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Networks;

/// <summary>
/// Multi-head self-attention with biases, softmax(QKᵀ/√D_h)V through libtorch's fused
/// <c>scaled_dot_product_attention</c> (no mask, no dropout). q, k and v share one fused (3D, D) projection, as in
/// PyTorch DiT; Xavier-uniform on it equals the reference's per-matrix limit sqrt(1.5/D).
/// A double-VJP JVP through this layer needs flash SDPA off (<c>DoubleVjpJvp</c> does that); the forward-mode rule
/// (<see cref="ForwardWithTangent"/>) differentiates a hand-written softmax attention instead and needs no such switch.
/// <para>State names: <c>qkv.weight</c> (3D, D), <c>qkv.bias</c>, <c>proj.weight</c> (D, D), <c>proj.bias</c>.</para>
/// </summary>
public sealed class SelfAttention : nn.Module<Tensor, Tensor>
{
    private readonly Linear qkv;
    private readonly Linear proj;
    private readonly int heads;

    public SelfAttention(int hiddenSize, int numHeads, Generator generator) : base(nameof(SelfAttention))
    {
        if (hiddenSize % numHeads != 0) throw new ArgumentException($"hidden size {hiddenSize} is not divisible by {numHeads} heads", nameof(numHeads));
        heads = numHeads;
        qkv = nn.Linear(hiddenSize, 3 * hiddenSize);
        proj = nn.Linear(hiddenSize, hiddenSize);
        SeededInit.XavierUniform(qkv.weight!, generator);
        SeededInit.XavierUniform(proj.weight!, generator);
        SeededInit.Zero(qkv.bias);
        SeededInit.Zero(proj.bias);
        RegisterComponents();
    }

    /// <summary>(B, L, D) → (B, L, D).</summary>
    public override Tensor forward(Tensor x)
    {
        return qkv.forward(x).Through(p => SplitHeads(p, heads)).Through(Attend).Through(MergeHeads).Through(proj.forward);
    }

    /// <summary>The qkv projection (B, L, 3D) split into q, k, v per head: (3, B, H, L, D/H) (also LightningDiT's).</summary>
    internal static Tensor SplitHeads(Tensor projected, int heads)
    {
        long b = projected.shape[0], length = projected.shape[1], d = projected.shape[2] / 3;
        return projected.reshape(b, length, 3, heads, d / heads).Through(split => split.permute(2, 0, 3, 1, 4));
    }

    /// <summary>Attention over the (3, B, heads, L, d) heads; the three views are freed with it.</summary>
    static Tensor Attend(Tensor parts)
    {
        using Tensor q = parts[0], k = parts[1], v = parts[2];
        return nn.functional.scaled_dot_product_attention(q, k, v);
    }

    /// <summary>The heads' outputs (B, H, L, D/H) back to tokens (B, L, D) (also LightningDiT's).</summary>
    internal static Tensor MergeHeads(Tensor attended)
    {
        var s = attended.shape;   // (B, heads, L, d)
        return attended.transpose(1, 2).Through(merged => merged.reshape(s[0], s[2], s[1] * s[3]));
    }

    /// <summary>
    /// <see cref="forward"/> and its tangent. Per head, with S = QKᵀ/√D_h, P = softmax(S) (rows), O = PV:
    /// dS = (dQ·Kᵀ + Q·dKᵀ)/√D_h, dP = P⊙(dS − rowsum(P⊙dS)), dO = dP·V + P·dV = (P⊙dS)·V − rowsum(P⊙dS)⊙O + P·dV.
    /// The primal keeps the fused kernel; the tangent pass forms P itself.
    /// </summary>
    public (Tensor Y, Tensor Dy) ForwardWithTangent(Tensor x, Tensor dx)
    {
        var (projected, dProjected) = Tangents.Linear(qkv, x, dx);
        var parts = SplitHeads(projected, heads);
        var attended = nn.functional.scaled_dot_product_attention(parts[0], parts[1], parts[2]);
        var dParts = SplitHeads(dProjected, heads);
        var dAttended = AttentionTangent(parts[0], parts[1], parts[2], attended, dParts[0], dParts[1], dParts[2]);
        return Tangents.Linear(proj, MergeHeads(attended), MergeHeads(dAttended));
    }

    /// <summary>
    /// The tangent dO of O = softmax(QKᵀ/√D_h)V (per head, the primal O given) along (dQ, dK, dV), without autograd
    /// (the formula of <see cref="ForwardWithTangent"/>; LightningDiT's attention shares it).
    /// </summary>
    internal static Tensor AttentionTangent(Tensor q, Tensor k, Tensor v, Tensor attended, Tensor dq, Tensor dk, Tensor dv)
    {
        using var _ = no_grad();
        double scale = 1 / Math.Sqrt(q.shape[^1]);
        var p = q.matmul(k.transpose(-2, -1)).TimesInPlace(scale).softmax(-1);
        var pdS = dq.matmul(k.transpose(-2, -1)).add_(q.matmul(dk.transpose(-2, -1))).TimesInPlace(scale).mul_(p);
        return pdS.matmul(v).addcmul_(pdS.sum(-1, keepdim: true), attended, HeldScalars.MinusOne).PlusInPlace(p.matmul(dv));
    }
}
