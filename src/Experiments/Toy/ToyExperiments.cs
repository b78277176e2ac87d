using Research.Framework.Data;
using Research.Framework.Experiments;
using Research.Framework.Interfaces;
using Research.Framework.Interfaces.Discrete;
using Research.Framework.Networks;
using Research.Framework.Samplers;

// The shipped 2-D toy experiments: an unconditional ToyMlp trained on a procedural set, sampled from its EMA, and
// scored by the sliced Wasserstein distance to fresh data (next to the same distance for pure noise). Everything
// else — settings, parser, composition, catalog, entry point — is generated from these attributes.

namespace Research.Experiments.Toy;

/// <summary>SiT flow matching on the 2-D checkerboard (logit-normal times), Heun-32 sampling. The default main job.</summary>
[Experiment("sit-checkerboard")]
[Interface(typeof(SiTInterface), TrainTimeDist = TimeDist.LogitNormal)]
[Network(typeof(ToyMlp))]
[Sampler(typeof(Heun), Steps = 32)]
[Dataset(typeof(Checkerboard2D))]
[Default("Interface.TShiftBase", 2.0)]
public sealed partial class SitCheckerboard : ToyExperiment;

/// <summary>EDM on the 2-D checkerboard (log-normal σ with P_mean −1.2, P_std 1.2), Heun on the Karras grid.</summary>
[Experiment("edm-checkerboard")]
[Interface(typeof(EdmInterface), TrainTimeDist = TimeDist.LogNormal)]
[Network(typeof(ToyMlp))]
[Sampler(typeof(Heun), Steps = 32, Grid = typeof(KarrasGrid))]
[Dataset(typeof(Checkerboard2D))]
[Default("Interface.TMu", -1.2), Default("Interface.TSigma", 1.2)]
public sealed partial class EdmCheckerboard : ToyExperiment;

/// <summary>
/// MeanFlow on the 2-D checkerboard (unconditional: no guidance, no condition drops), one-step EulerJump sampling.
/// The paper's image recipe (logit-normal times, 25% of r ≠ t, adaptive weight p = 1) is tuned for latents with
/// thousands of values per sample. In 2-D the per-sample loss is a sum of two squares, spread like an exponential, so
/// the weight 1/(L + ε) reweights samples by orders of magnitude and starves the r ≠ t samples; the toy trains the
/// plain sum loss (p = 0), half the batch with r ≠ t, and uniform times (t = 1, r = 0, the one-step jump, is then
/// drawn often). Measured (4,000 steps, seed 0, final/swd; noise 0.18): the paper's recipe 0.103, with p = 0 0.066,
/// then uniform times and half r ≠ t 0.060 (seed 1: 0.069; three quarters r ≠ t: 0.064). One step then matches the model's own
/// many-step flow (2, 4, 32 EulerJump steps: 0.062, 0.059, 0.057).
/// </summary>
[Experiment("meanflow-checkerboard")]
[Interface(typeof(MeanFlowInterface), TrainTimeDist = TimeDist.Uniform)]
[Network(typeof(ToyMlp))]
[Sampler(typeof(EulerJump), Steps = 1)]
[Dataset(typeof(Checkerboard2D))]
[Default("Network.TakeDt", true)]
[Default("Interface.TShiftBase", 2.0), Default("Interface.NormPower", 0.0), Default("Interface.FmPortion", 0.5)]
[Default("Interface.GuidanceScale", 1.0), Default("Interface.GuidanceMixtureRatio", 0.0), Default("Interface.CondDropRatio", 0.0)]
public sealed partial class MeanFlowCheckerboard : ToyExperiment;

/// <summary>SiT on two moons, Euler–Maruyama-250 sampling (linear-KL diffusion) on a uniform grid from t = 0.999.</summary>
[Experiment("sit-moons-sde")]
[Interface(typeof(SiTInterface), TrainTimeDist = TimeDist.LogitNormal)]
[Network(typeof(ToyMlp))]
[Sampler(typeof(EulerMaruyama), Steps = 250, Grid = typeof(UniformGrid))]
[Dataset(typeof(TwoMoons))]
[Default("Interface.TShiftBase", 2.0), Default("Grid.TStart", 0.999)]
public sealed partial class SitMoonsSde : ToyExperiment;

/// <summary>
/// DDPM on the 2-D checkerboard (T = 1000 linear-β steps, ε-prediction, the simple loss), sampled with DDIM at η = 1 on all
/// 1000 steps, which is Ho et al.'s ancestral sampler with the posterior variance. `--Sampler.Steps 50 --Sampler.Eta 0` is
/// DDIM-50; the continuous samplers run on the same model through its path. The linear schedule: the cosine one reaches a
/// lower final SWD with the 1000-step sampler (0.037 against 0.054) but its ᾱ_T = 2.4e-9 makes x̂₀ = (x − σ·ε̂)/α amplify
/// ε̂'s error 2·10⁴-fold at t = 1, which few-step samplers (DDIM-50, DPM-Solver++, Heun) do not recover from.
/// </summary>
[Experiment("ddpm-checkerboard")]
[Interface(typeof(DdpmInterface))]
[Network(typeof(ToyMlp))]
[Sampler(typeof(Ddim), Steps = 1000)]
[Dataset(typeof(Checkerboard2D))]
[Default("Sampler.Eta", 1.0)]
public sealed partial class DdpmCheckerboard : ToyExperiment;
