using Research.Framework.Data;
using Research.Framework.Experiments;
using Research.Framework.Interfaces;
using Research.Framework.Interfaces.Consistency;
using Research.Framework.Networks;
using Research.Framework.Samplers;

// TrigFlow and the continuous-time consistency models built on it (sCM, Lu & Song 2024) on the 2-D checkerboard.

namespace Research.Experiments.Toy;

/// <summary>
/// TrigFlow as an ordinary diffusion model on the checkerboard (tan-log-normal times, P_mean −1.0, P_std 1.4), Heun-32 on
/// the trig grid (EDM's σ levels mapped to t = atan(σ/σ_d)).
/// </summary>
[Experiment("trigflow-checkerboard")]
[Interface(typeof(TrigFlowInterface), TrainTimeDist = TimeDist.LogNormal)]
[Network(typeof(ToyMlp))]
[Sampler(typeof(Heun), Steps = 32, Grid = typeof(TrigGrid))]
[Dataset(typeof(Checkerboard2D))]
public sealed partial class TrigFlowCheckerboard : ToyExperiment;
