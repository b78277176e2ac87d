namespace Research.Framework.Samplers;

/// <summary>The variance of each ancestral step of <see cref="Ddpm"/> (Ho et al. 2020 found both give similar samples).</summary>
public enum DdpmVariance
{
    /// <summary>β̃, the variance of the posterior q(x_s | x_t, x₀) ("fixed small"); the same step as DDIM with η = 1.</summary>
    Small,
    /// <summary>β, the variance of the forward step q(x_t | x_s) ("fixed large").</summary>
    Large,
}
