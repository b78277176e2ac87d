using Research.Framework.Data;
using Research.Framework.Distillation;
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

/// <summary>
/// sCT, continuous-time consistency training on the checkerboard (sCM's loss with the learned log-variance weight),
/// sampled in one step ([T, 0]; --Sampler.Steps 2 re-noises at t = 1.1). The tangent warm-up is shortened to the toy's
/// length, and the time embedding's scale is kept modest: the JVP differentiates the network in t, and a large scale
/// makes dF/dt (and with it the target) large and unstable (one-step final/swd at 4,000 steps: TimeScale 1000 → 1.03,
/// 100 → 0.89, 10 → 0.061, 3 → 0.046).
/// </summary>
[Experiment("sct-checkerboard")]
[Interface(typeof(SctInterface), TrainTimeDist = TimeDist.LogNormal)]
[Network(typeof(ToyMlp))]
[Sampler(typeof(ConsistencySampler), Steps = 1)]
[Dataset(typeof(Checkerboard2D))]
[Default("Network.LogVarianceHead", true), Default("Network.TimeScale", 3.0)]
[Default("Interface.WarmupSteps", 1000L)]
public sealed partial class SctCheckerboard : ToyExperiment;

/// <summary>
/// sCD, continuous-time consistency distillation on the checkerboard from a trained diffusion teacher (EMA weights, frozen),
/// sampled in one step: --Interface.TeacherRun runs/edm-checkerboard/&lt;id&gt; (or a trigflow-checkerboard run); without it
/// `run` trains Interface.TeacherExperiment (edm-checkerboard) into the same runs folder first, or reuses its newest
/// finished run with the same shared settings. The student starts from the teacher's weights when the networks match.
/// <para>
/// The learning rate is 1e-4, not the toys' 1e-3: at 1e-3 every sCD run went unstable once the student was nearly
/// consistent (‖g‖/√D fell to ≈ 0.05, then tripled; eval/swd 0.10 → 0.35): at step 800 with the defaults, with both loss
/// weights off and with gradients clipped to 1, at 1,200 with a 4,000-step warm-up; at 3e-4 at step 2,600 (3,000 with
/// Adam β₂ 0.99). sCT at 1e-3 does not: the data's noise in its tangent keeps ‖g‖/√D ≈ 0.45 and its learned log-variance
/// up (gradient norms ≈ 1), while sCD's deterministic teacher tangent lets the log-variance follow the shrinking residual
/// down (loss &lt; 0) and the adaptive weight scale the gradient up (norms 9–34). Measured one-step final/swd at 4,000
/// steps: 0.103 at 1e-3, 0.042 at 1e-4 (seed 1: 0.042; two steps 0.044; with both loss weights off as well: 0.038).
/// </para>
/// </summary>
[Experiment("scd-checkerboard")]
[Interface(typeof(ScdInterface), TrainTimeDist = TimeDist.LogNormal)]
[Network(typeof(ToyMlp))]
[Sampler(typeof(ConsistencySampler), Steps = 1)]
[Dataset(typeof(Checkerboard2D))]
[Default("Network.LogVarianceHead", true), Default("Network.TimeScale", 10.0)]
[Default("Interface.WarmupSteps", 1000L), Default("Interface.TeacherExperiment", "edm-checkerboard")]
public sealed partial class ScdCheckerboard : ToyExperiment
{
    /// <summary>Peak learning rate (AdamW): 1e-4 (see the class remarks).</summary>
    public override double LearningRate { get; init; } = 1e-4;
}
