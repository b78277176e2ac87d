namespace Research.Framework.Interfaces.Discrete;

/// <summary>The β schedules of <see cref="NoiseSchedule"/>.</summary>
public enum BetaSchedule
{
    /// <summary>Ho et al. 2020: β linear from 1e-4 to 0.02 over T = 1000 steps (both ends scaled by 1000/T for other T, as Nichol and Dhariwal do).</summary>
    Linear,
    /// <summary>Nichol and Dhariwal 2021: ᾱ(i) = f(i)/f(0), f(i) = cos²((i/T + s)/(1 + s)·π/2), s = 0.008, each β clipped at 0.999.</summary>
    Cosine,
}
