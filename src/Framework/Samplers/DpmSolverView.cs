namespace Research.Framework.Samplers;

/// <summary>Which transport path <see cref="DpmSolverPlusPlus2M"/> assumes for x_t = α·x + σ·n.</summary>
public enum DpmSolverView
{
    /// <summary>Linear flow (SiT, MeanFlow): α = 1 − t, σ = t, λ = ln(α/σ); the grid runs from t = 1 to 0.</summary>
    Flow,
    /// <summary>Variance exploding (EDM): α = 1, σ = the grid value, λ = −ln σ; the grid runs from σ_max to 0.</summary>
    Edm,
    /// <summary>TrigFlow: α = cos t, σ = σ_d·sin t (σ_d cancels from every ratio), λ = ln(cot t); x0 = cos t·x − sin t·dx/dt.</summary>
    Trig,
}
