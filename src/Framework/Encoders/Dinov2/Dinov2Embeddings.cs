using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Encoders.Dinov2;

/// <summary>
/// DINOv2's input tokens as transformers' <c>Dinov2Embeddings</c> makes them: the patch convolution's tokens after a
/// CLS token, plus the position table, interpolated bicubically to the input's patch grid when the grid differs from
/// the table's (or the input is not square), as <c>interpolate_pos_encoding</c> does. Registered under the Hugging
/// Face names: cls_token, position_embeddings, patch_embeddings.projection.
/// </summary>
public sealed class Dinov2Embeddings : Dinov2Module
{
    readonly Parameter clsToken;
    readonly Parameter positions;
    readonly Conv2d projection;
    readonly int patchSize;

    /// <summary>Embeddings of <paramref name="config"/>'s shape (zero until a weights file is loaded).</summary>
    public Dinov2Embeddings(Dinov2Config config) : base(nameof(Dinov2Embeddings))
    {
        patchSize = config.PatchSize;
        clsToken = new Parameter(zeros(1, 1, config.HiddenSize));
        positions = new Parameter(zeros(1, 1 + (long)config.PositionGrid * config.PositionGrid, config.HiddenSize));
        projection = nn.Conv2d(config.NumChannels, config.HiddenSize, config.PatchSize, stride: config.PatchSize);
        register_parameter("cls_token", clsToken);
        register_parameter("position_embeddings", positions);
        register_module("patch_embeddings", Named(("projection", projection)));
    }

    /// <summary>
    /// 0 (the default): Hugging Face's interpolation to the grid's size. A positive offset: the original
    /// facebookresearch/dinov2 code (<c>interpolate_offset</c> 0.1 in its torch.hub models, which REPA loads), whose
    /// scale factors are (grid + offset) / table side, as that code passes them (width's on the first axis).
    /// </summary>
    public double InterpolateOffset { get; set; }

    /// <summary>Pixels (B, C, H, W) → tokens (B, 1 + (H/patch)·(W/patch), hidden), CLS first.</summary>
    public override Tensor forward(Tensor pixels)
    {
        long batch = pixels.shape[0], height = pixels.shape[2], width = pixels.shape[3];
        var patches = projection.forward(pixels).flatten(2).transpose(1, 2);
        var tokens = cat([clsToken.expand(batch, -1, -1), patches], 1);
        return tokens + Positions(patches.shape[1], height, width);
    }

    /// <summary>The position table for an input of <paramref name="height"/>×<paramref name="width"/> pixels holding <paramref name="patchCount"/> patches.</summary>
    Tensor Positions(long patchCount, long height, long width)
    {
        long tablePositions = positions.shape[1] - 1;
        if (patchCount == tablePositions && height == width) return positions;
        long dim = positions.shape[2], side = (long)Math.Sqrt(tablePositions);
        long rows = height / patchSize, columns = width / patchSize;
        var grid = positions[.., 1..].reshape(1, side, side, dim).permute(0, 3, 1, 2);
        var resized = InterpolateOffset > 0
            ? nn.functional.interpolate(grid, scale_factor: [(columns + InterpolateOffset) / side, (rows + InterpolateOffset) / side],
                mode: InterpolationMode.Bicubic, align_corners: false)
            : nn.functional.interpolate(grid, size: [rows, columns], mode: InterpolationMode.Bicubic, align_corners: false);
        return cat([positions[.., ..1], resized.permute(0, 2, 3, 1).reshape(1, -1, dim)], 1);
    }
}
