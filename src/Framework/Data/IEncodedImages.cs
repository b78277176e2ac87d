using static TorchSharp.torch;

namespace Research.Framework.Data;

/// <summary>
/// A data set whose samples are not images but encode them, as a VAE's latents do in latent diffusion: previews,
/// image grids and image metrics decode the samples first (<see cref="EncodedImages.ToImages"/>), and the reference
/// images come from <see cref="Images"/>.
/// </summary>
public interface IEncodedImages : IDataset
{
    /// <summary>The data set of the images themselves (e.g. the image folder whose held-back images are the evaluation reference).</summary>
    IDataset Images { get; }

    /// <summary>Samples (B, SampleShape...) → images (B, C, H, W) in [−1, 1], float32 on the CPU, computed without gradients.</summary>
    Tensor DecodeImages(Tensor samples);
}

/// <summary>The images that samples of a data set show.</summary>
public static class EncodedImages
{
    /// <summary>
    /// The decoded images of <paramref name="samples"/> when <paramref name="dataset"/> encodes images, else
    /// <paramref name="samples"/> itself (the caller's tensor, not a copy: dispose only what differs from it).
    /// </summary>
    public static Tensor ToImages(IDataset dataset, Tensor samples) => dataset is IEncodedImages encoded ? encoded.DecodeImages(samples) : samples;
}
