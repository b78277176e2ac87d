using static TorchSharp.torch;

namespace Research.Framework.Data;

/// <summary>One batch: samples X (B, ...) and, for labelled sets, int64 labels (B).</summary>
public sealed record Batch(Tensor X, Tensor? Labels)
{
    /// <summary>
    /// The raw image batch (B, C, H, W) in [−1, 1] that a representation encoder (REPA) sees when X is not an image,
    /// as in latent diffusion where X holds a VAE's latents; null means the encoder sees X itself.
    /// </summary>
    public Tensor? EncoderInput { get; init; }
}
