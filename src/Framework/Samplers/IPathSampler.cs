namespace Research.Framework.Samplers;

/// <summary>
/// A sampler whose steps are written with the model's path coefficients α_t and σ_t (DDPM ancestral, DDIM, the
/// DPM-Solver++ family, Euler ancestral), so it needs an interface with a path (<see cref="Interfaces.Interface.Path"/>).
/// The generator rejects an experiment pairing one with an interface that does not override Path (RSG014); at run time
/// the sampler's own check (<c>RequirePath</c>) says the same before any model evaluation.
/// </summary>
public interface IPathSampler;
