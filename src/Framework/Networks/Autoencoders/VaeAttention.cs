using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Networks.Autoencoders;

/// <summary>
/// The VAE's mid-block self-attention (diffusers' <c>Attention</c> with one head of the full width, a GroupNorm in
/// front and a residual connection): over the H·W positions, x + to_out(softmax(q kᵀ/√C) v) with q, k, v linear maps
/// of group_norm(x).
/// <para>State names: <c>group_norm</c>, <c>to_q</c>, <c>to_k</c>, <c>to_v</c>, <c>to_out.0</c> (older files:
/// query, key, value, proj_attn, mapped by <see cref="AutoencoderKLWeights"/>).</para>
/// </summary>
public sealed class VaeAttention : nn.Module<Tensor, Tensor>
{
    private readonly GroupNorm group_norm;
    private readonly Linear to_q, to_k, to_v;
    private readonly ModuleList<Linear> to_out;

    public VaeAttention(int channels, int groups) : base(nameof(VaeAttention))
    {
        group_norm = VaeLayers.GroupNorm(groups, channels);
        to_q = nn.Linear(channels, channels);
        to_k = nn.Linear(channels, channels);
        to_v = nn.Linear(channels, channels);
        to_out = nn.ModuleList(nn.Linear(channels, channels));   // diffusers' to_out.1 is a Dropout, which has no state
        RegisterComponents();
    }

    /// <summary>(B, C, H, W) → (B, C, H, W).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        var tokens = group_norm.forward(x).view(b, c, h * w).transpose(1, 2);   // (B, HW, C)
        var q = to_q.forward(tokens).unsqueeze(1);
        var k = to_k.forward(tokens).unsqueeze(1);
        var v = to_v.forward(tokens).unsqueeze(1);
        // One head of width C: the default scale 1/√C is diffusers' dim_head^−0.5.
        var attended = nn.functional.scaled_dot_product_attention(q, k, v).squeeze(1);
        var projected = to_out[0].forward(attended).transpose(1, 2).reshape(b, c, h, w);
        return (x + projected).MoveToOuterDisposeScope();
    }
}
