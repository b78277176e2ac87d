using static TorchSharp.torch;

namespace Research.Framework.Networks;

/// <summary>
/// Patch layout shared by DiT's final layer and its tests. Tokens are row-major over the S×S patch grid
/// (token i·S + j) and a patch vector is ordered (p_row, p_col, c) with c fastest, as in the reference and in
/// PyTorch DiT, so weights ported from either keep their meaning.
/// </summary>
public static class Patches
{
    /// <summary>(B, C, H, W) → (B, (H/p)·(W/p), p·p·C).</summary>
    public static Tensor Patchify(Tensor images, int patchSize)
    {
        var (b, c, h, w) = Shape4(images, nameof(images));
        if (h % patchSize != 0 || w % patchSize != 0) throw new ArgumentException($"image {h}×{w} is not divisible by patch {patchSize}", nameof(images));
        long rows = h / patchSize, columns = w / patchSize;
        return images.reshape(b, c, rows, patchSize, columns, patchSize)
            .permute(0, 2, 4, 3, 5, 1)
            .reshape(b, rows * columns, patchSize * patchSize * c);
    }

    /// <summary>(B, S², p·p·C) → (B, C, S·p, S·p), the inverse of <see cref="Patchify"/> for a square grid.</summary>
    public static Tensor Unpatchify(Tensor tokens, int patchSize, int channels)
    {
        if (tokens.ndim != 3) throw new ArgumentException($"tokens must be (B, L, p·p·C), got [{string.Join(", ", tokens.shape)}]", nameof(tokens));
        long b = tokens.shape[0], length = tokens.shape[1];
        long side = (long)Math.Round(Math.Sqrt(length));
        if (side * side != length) throw new ArgumentException($"{length} tokens do not form a square grid", nameof(tokens));
        if (tokens.shape[2] != (long)patchSize * patchSize * channels)
            throw new ArgumentException($"token width {tokens.shape[2]} is not p·p·C = {patchSize * patchSize * channels}", nameof(tokens));
        return tokens.reshape(b, side, side, patchSize, patchSize, channels)
            .permute(0, 5, 1, 3, 2, 4)
            .reshape(b, channels, side * patchSize, side * patchSize);
    }

    internal static (long B, long C, long H, long W) Shape4(Tensor x, string name)
    {
        if (x.ndim != 4) throw new ArgumentException($"expected (B, C, H, W), got [{string.Join(", ", x.shape)}]", name);
        var s = x.shape;
        return (s[0], s[1], s[2], s[3]);
    }
}
