using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Networks;

/// <summary>
/// Multi-head self-attention with biases, softmax(QKᵀ/√D_h)V through libtorch's fused
/// <c>scaled_dot_product_attention</c> (no mask, no dropout). q, k and v share one fused (3D, D) projection, as in
/// PyTorch DiT; Xavier-uniform on it equals the reference's per-matrix limit sqrt(1.5/D).
/// A JVP through this layer needs flash SDPA off; <c>DoubleVjpJvp</c> does that.
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
        long b = x.shape[0], length = x.shape[1], d = x.shape[2];
        var parts = qkv.forward(x).reshape(b, length, 3, heads, d / heads).permute(2, 0, 3, 1, 4);
        var attended = nn.functional.scaled_dot_product_attention(parts[0], parts[1], parts[2]);
        return proj.forward(attended.transpose(1, 2).reshape(b, length, d));
    }
}
