using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Encoders.Dinov2;

/// <summary>
/// One DINOv2 transformer layer as transformers' <c>Dinov2Layer</c> computes it: h = h + ls1(attn(norm1(h))), then
/// h = h + ls2(mlp(norm2(h))), with multi-head softmax attention (separate query, key and value projections, scale
/// head_size^−½) and the exact-GELU MLP (fc1, fc2) or dinov2-giant's SwiGLU (weights_in → silu(x₁)·x₂ → weights_out).
/// Its parameters are registered under the Hugging Face names (norm1, attention.attention.query, ...,
/// attention.output.dense, layer_scale1.lambda1, norm2, mlp.fc1/fc2 or mlp.weights_in/weights_out, layer_scale2.lambda1).
/// </summary>
public sealed class Dinov2Layer : Dinov2Module
{
    readonly LayerNorm norm1, norm2;
    readonly Linear query, key, value, dense;
    readonly Linear mlpIn, mlpOut;
    readonly Dinov2LayerScale layerScale1, layerScale2;
    readonly bool swiGlu;
    readonly int heads;

    /// <summary>A layer of <paramref name="config"/>'s shape (weights set by loading a file).</summary>
    public Dinov2Layer(Dinov2Config config) : base(nameof(Dinov2Layer))
    {
        int d = config.HiddenSize;
        (heads, swiGlu) = (config.NumHeads, config.UseSwiGlu);
        norm1 = nn.LayerNorm(d, config.LayerNormEps);
        norm2 = nn.LayerNorm(d, config.LayerNormEps);
        query = nn.Linear(d, d, hasBias: config.QkvBias);
        key = nn.Linear(d, d, hasBias: config.QkvBias);
        value = nn.Linear(d, d, hasBias: config.QkvBias);
        dense = nn.Linear(d, d);
        layerScale1 = new Dinov2LayerScale(d);
        layerScale2 = new Dinov2LayerScale(d);
        (mlpIn, mlpOut) = swiGlu
            ? (nn.Linear(d, 2 * config.SwiGluHidden), nn.Linear(config.SwiGluHidden, d))
            : (nn.Linear(d, config.MlpHidden), nn.Linear(config.MlpHidden, d));

        register_module("norm1", norm1);
        register_module("attention", Named(
            ("attention", Named(("query", query), ("key", key), ("value", value))),
            ("output", Named(("dense", dense)))));
        register_module("layer_scale1", layerScale1);
        register_module("norm2", norm2);
        register_module("mlp", swiGlu ? Named(("weights_in", mlpIn), ("weights_out", mlpOut)) : Named(("fc1", mlpIn), ("fc2", mlpOut)));
        register_module("layer_scale2", layerScale2);
    }

    /// <summary>Tokens (B, L, hidden) → (B, L, hidden).</summary>
    public override Tensor forward(Tensor h)
    {
        using var scope = NewDisposeScope();
        h = h + layerScale1.forward(Attention(norm1.forward(h)));
        h = h + layerScale2.forward(FeedForward(norm2.forward(h)));
        return h.MoveToOuterDisposeScope();
    }

    Tensor Attention(Tensor x)
    {
        long b = x.shape[0], length = x.shape[1], d = x.shape[2];
        Tensor Split(Linear projection) => projection.forward(x).view(b, length, heads, d / heads).transpose(1, 2);
        // libtorch's fused attention: softmax(q kᵀ / √head_size) v, the scale transformers uses.
        var attended = nn.functional.scaled_dot_product_attention(Split(query), Split(key), Split(value));
        return dense.forward(attended.transpose(1, 2).reshape(b, length, d));
    }

    Tensor FeedForward(Tensor x)
    {
        if (!swiGlu) return mlpOut.forward(nn.functional.gelu(mlpIn.forward(x)));
        var halves = mlpIn.forward(x).chunk(2, -1);
        return mlpOut.forward(nn.functional.silu(halves[0]) * halves[1]);
    }
}
