namespace Research.Framework.Interfaces;

/// <summary>
/// Which quantity a prediction on an <see cref="AffinePath"/> x_t = α(t)·x + σ(t)·n is (flow_matching's
/// "prediction type"). Every view determines the others at the same (x_t, t); <see cref="AffinePath.Convert"/> maps
/// between them.
/// </summary>
public enum PredictionView
{
    /// <summary>The velocity dx_t/dt = α'·x + σ'·n (SiT's network output; every interface's Pred).</summary>
    Velocity,
    /// <summary>The clean data x, x₀ (EDM's denoiser D).</summary>
    Denoiser,
    /// <summary>The noise n, ε (DDPM's ε-prediction).</summary>
    Noise,
    /// <summary>Salimans and Ho's v = α·n − σ·x (v-prediction; not the velocity).</summary>
    V,
    /// <summary>The score ∇ log p_t(x_t) = −E[n | x_t] / σ.</summary>
    Score,
}

/// <summary>What the time variable of an <see cref="AffinePath"/> is, which decides the grids that fit it.</summary>
public enum PathTime
{
    /// <summary>t ∈ [0, 1], t = 0 data and t = 1 noise (SiT, MeanFlow, DDPM's t = step / T); grids run from 1 to 0.</summary>
    Unit,
    /// <summary>t = σ ∈ [0, ∞) (EDM); grids run from σ_max to 0.</summary>
    Sigma,
    /// <summary>TrigFlow's angle t ∈ [0, π/2], t = 0 data and π/2 noise; grids run from near π/2 to 0 (TrigGrid).</summary>
    Trig,
}
