using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Networks.Lightning;

/// <summary>
/// LightningDiT's self-attention: a fused qkv projection (with bias) split into H heads, optional qk-norm (one RMSNorm
/// over the head width for all of q's heads and one for k's), 2-D RoPE on q and k, softmax(QKᵀ/√D_h)V through libtorch's
/// fused kernel, and an output projection. Init: Xavier-uniform on the fused (3D, D) qkv and on proj, zero biases,
/// RMSNorm weights at one.
/// <para>State names: <c>qkv.weight</c> (3D, D), <c>qkv.bias</c>, with qk-norm <c>q_norm.weight</c> (D_h) and
/// <c>k_norm.weight</c> (D_h), <c>proj.weight</c> (D, D), <c>proj.bias</c>.</para>
/// </summary>
public sealed class RopeAttention : nn.Module
{
    private readonly Linear qkv;
    private readonly RmsNorm? q_norm;
    private readonly RmsNorm? k_norm;
    private readonly Linear proj;
    private readonly int heads;

    public RopeAttention(int hiddenSize, int numHeads, bool qkNorm, Generator generator) : base(nameof(RopeAttention))
    {
        if (hiddenSize % numHeads != 0) throw new ArgumentException($"hidden size {hiddenSize} is not divisible by {numHeads} heads", nameof(numHeads));
        heads = numHeads;
        qkv = nn.Linear(hiddenSize, 3 * hiddenSize);
        SeededInit.XavierUniform(qkv, generator);
        if (qkNorm) (q_norm, k_norm) = (new RmsNorm(hiddenSize / numHeads), new RmsNorm(hiddenSize / numHeads));
        proj = nn.Linear(hiddenSize, hiddenSize);
        SeededInit.XavierUniform(proj, generator);
        RegisterComponents();
    }

    /// <summary>Tokens (B, L, D) → (B, L, D), with positions from <paramref name="rope"/> (whose grid has L tokens).</summary>
    public Tensor Forward(Tensor x, VisionRope rope)
    {
        return qkv.forward(x).Through(p => SelfAttention.SplitHeads(p, heads)).Through(parts => Attend(parts, rope))
            .Through(SelfAttention.MergeHeads).Through(proj.forward);
    }

    /// <summary>qk-norm, RoPE and attention over the (3, B, H, L, D_h) heads; each intermediate is freed once used.</summary>
    Tensor Attend(Tensor parts, VisionRope rope)
    {
        using Tensor q = parts[0], k = parts[1], v = parts[2];
        var queries = (q_norm?.forward(q) ?? q.alias()).Through(rope.forward);
        var keys = (k_norm?.forward(k) ?? k.alias()).Through(rope.forward);
        return nn.functional.scaled_dot_product_attention(queries, keys, v);
    }

    /// <summary>
    /// <see cref="Forward"/> and its tangent: qkv's and the norms' rules, RoPE (linear, so the tangent is rotated alike),
    /// attention's (<see cref="SelfAttention.AttentionTangent"/>) and proj's.
    /// </summary>
    public (Tensor Y, Tensor Dy) ForwardWithTangent(Tensor x, Tensor dx, VisionRope rope)
    {
        var (projected, dProjected) = Tangents.Linear(qkv, x, dx);
        var (parts, dParts) = (SelfAttention.SplitHeads(projected, heads), SelfAttention.SplitHeads(dProjected, heads));
        Tensor q = parts[0], k = parts[1], dq = dParts[0], dk = dParts[1];
        if (q_norm is not null) (q, dq) = q_norm.ForwardWithTangent(q, dq);
        if (k_norm is not null) (k, dk) = k_norm.ForwardWithTangent(k, dk);
        (q, k) = (rope.forward(q), rope.forward(k));
        var attended = nn.functional.scaled_dot_product_attention(q, k, parts[2]);
        Tensor dAttended;
        using (no_grad()) dAttended = SelfAttention.AttentionTangent(q, k, parts[2], attended, rope.forward(dq), rope.forward(dk), dParts[2]);
        return Tangents.Linear(proj, SelfAttention.MergeHeads(attended), SelfAttention.MergeHeads(dAttended));
    }
}
