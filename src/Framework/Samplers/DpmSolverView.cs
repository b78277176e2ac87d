namespace Research.Framework.Samplers;

/// <summary>Which grid family <see cref="DpmSolverPlusPlus2M"/> uses; it must fit the time of the model's path.</summary>
public enum DpmSolverView
{
    /// <summary>Unit time (SiT, MeanFlow, DDPM): the default grid runs uniformly from t = 1 to 0.</summary>
    Flow,
    /// <summary>σ time (EDM): the default grid is the Karras grid from σ_max to 0.</summary>
    Edm,
    /// <summary>TrigFlow's angle (α = cos t, σ = σ_d·sin t): the default grid is <see cref="TrigGrid"/> from atan(σ_max/σ_d) to 0.</summary>
    Trig,
}
