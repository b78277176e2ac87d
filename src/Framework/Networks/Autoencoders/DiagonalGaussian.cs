using static TorchSharp.torch;

namespace Research.Framework.Networks.Autoencoders;

/// <summary>
/// The encoder's posterior N(mean, exp(logvar)) per latent element, as diffusers' <c>DiagonalGaussianDistribution</c>
/// builds it from the moments: mean and log-variance are the two channel halves, the log-variance clamped to [−30, 20].
/// Unscaled (before the VAE's shift and scaling factor). Disposing it frees both tensors.
/// </summary>
public sealed record DiagonalGaussian(Tensor Mean, Tensor LogVar) : IDisposable
{
    /// <summary>The clamp diffusers applies to the log-variance.</summary>
    public const double MinLogVar = -30, MaxLogVar = 20;

    /// <summary>Splits moments (B, 2·C, h, w) into the distribution.</summary>
    public static DiagonalGaussian FromMoments(Tensor moments)
    {
        var halves = moments.chunk(2, 1);
        using var rawLogVar = halves[1];
        return new DiagonalGaussian(halves[0], rawLogVar.clamp(MinLogVar, MaxLogVar));
    }

    /// <summary>exp(logvar / 2).</summary>
    public Tensor Std() => (0.5 * LogVar).exp();

    /// <summary>mean + std · ε with ε ~ N(0, 1) drawn from <paramref name="generator"/>.</summary>
    public Tensor Sample(Generator generator)
    {
        using var scope = NewDisposeScope();
        var noise = randn(Mean.shape, dtype: Mean.dtype, device: Mean.device, generator: generator);
        return (Mean + Std() * noise).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Mean.Dispose();
        LogVar.Dispose();
    }
}
