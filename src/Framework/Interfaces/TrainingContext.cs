using static TorchSharp.torch;

namespace Research.Framework.Interfaces;

/// <summary>
/// Where training stands when a loss is computed: the optimizer step about to be taken (0-based) and the run's
/// length. Losses with schedules of their own (sCM's tangent warm-up) read it; the trainer passes it with every
/// batch, so nothing global is needed and a resumed run continues the schedule exactly.
/// </summary>
/// <param name="Step">Optimizer steps already taken.</param>
/// <param name="TotalSteps">The run's length in optimizer steps.</param>
public sealed record TrainingContext(long Step, long TotalSteps)
{
    /// <summary>The context of a loss computed outside a training run: every schedule at its end.</summary>
    public static TrainingContext Finished { get; } = new(long.MaxValue, long.MaxValue);

    /// <summary>
    /// The batch's raw images (B, C, H, W) in [−1, 1] when the loss's x is not an image (latent diffusion:
    /// <see cref="Data.Batch.EncoderInput"/>, the same samples as x, row for row); REPA's encoder reads them
    /// instead of x. Null when x is the image itself.
    /// </summary>
    public Tensor? EncoderInput { get; init; }
}
