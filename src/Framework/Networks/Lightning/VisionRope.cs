using Research.Framework.Compute;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Networks.Lightning;

/// <summary>
/// 2-D rotary position embedding over the S×S patch grid (EVA-02's <c>VisionRotaryEmbeddingFast</c>, which LightningDiT
/// uses with dim = D_h/2 and the grid side S). With d = D_h/2 and ν_k = 10000^(−2k/d), k = 0…d/2 − 1, the angles of
/// grid index s are f(s) = [sν₀, sν₀, sν₁, sν₁, …] (each frequency twice in a row), and token (i, j) (row i, column j,
/// token i·S + j) gets θ = [f(i), f(j)] ∈ ℝ^{D_h}: the first half of each head rotates with the row, the second with the
/// column. Applied to a head vector x: x·cos θ + rot(x)·sin θ, where rot maps each pair (x₂ₘ, x₂ₘ₊₁) to (−x₂ₘ₊₁, x₂ₘ),
/// so every pair turns by its angle; the same angles serve every head. The tables are computed in float64 and stored
/// in float32 (the reference computes them in float32; the two agree to ~1e-6).
/// <para>State names (buffers, no gradient): <c>freqs_cos</c> (S², D_h), <c>freqs_sin</c> (S², D_h).</para>
/// </summary>
public sealed class VisionRope : nn.Module<Tensor, Tensor>
{
    private readonly Tensor freqs_cos;
    private readonly Tensor freqs_sin;

    /// <summary>The tables of a <paramref name="gridSize"/>² grid for heads of width <paramref name="headDim"/> (a multiple of 4).</summary>
    public VisionRope(int headDim, int gridSize) : base(nameof(VisionRope))
    {
        if (headDim <= 0 || headDim % 4 != 0) throw new ArgumentException($"2-D RoPE needs a head width divisible by 4, got {headDim}", nameof(headDim));
        var (cosine, sine) = Tables(headDim, gridSize);
        freqs_cos = cosine.DetachFromDisposeScope();
        freqs_sin = sine.DetachFromDisposeScope();
        RegisterComponents();
    }

    /// <summary>cos θ and sin θ, each (S², D_h) in float32, row-major over the grid.</summary>
    public static (Tensor Cos, Tensor Sin) Tables(int headDim, int gridSize)
    {
        using var scope = NewDisposeScope();
        int d = headDim / 2;
        var nu = pow(10000.0, -arange(0, d, 2, ScalarType.Float64) / d);          // d/2 frequencies
        var perIndex = (arange(gridSize, ScalarType.Float64).unsqueeze(1) * nu.unsqueeze(0)).repeat_interleave(2, 1); // (S, d)
        var rows = perIndex.repeat_interleave(gridSize, 0);                          // f(i) for token i·S + j
        var columns = perIndex.repeat(gridSize, 1);                                  // f(j)
        var theta = cat([rows, columns], 1);
        return (theta.cos().to_type(ScalarType.Float32).MoveToOuterDisposeScope(), theta.sin().to_type(ScalarType.Float32).MoveToOuterDisposeScope());
    }

    /// <summary>Rotates per-head vectors x (B, H, S², D_h).</summary>
    public override Tensor forward(Tensor x)
    {
        var pairs = x.reshape([.. x.shape[..^1], x.shape[^1] / 2, 2]);
        var rotated = stack([-pairs.select(-1, 1), pairs.select(-1, 0)], -1).reshape(x.shape);
        return (x * freqs_cos.to_type(x.dtype)).PlusInPlace(rotated * freqs_sin.to_type(x.dtype));
    }
}
