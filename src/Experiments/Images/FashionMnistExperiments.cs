using Research.Framework.Data;
using Research.Framework.Distillation;
using Research.Framework.Encoders;
using Research.Framework.Experiments;
using Research.Framework.Interfaces;
using Research.Framework.Interfaces.Consistency;
using Research.Framework.Networks;
using Research.Framework.Samplers;

// The shipped Fashion-MNIST experiments: a class-conditional DiT (DiT-S-like widths are set with Network.*) on the
// 32×32-padded images, loaded by FashionMnist.Load(FashionMnistOptions) — a dataset with a static Load(TOptions)
// factory gets Dataset.* settings from its options record. The network's NumClasses (int?) is set to the dataset's 10
// classes with [Default]; the null label 10 is what classifier-free guidance and condition drops use.
// FashionMnistModel holds what they all share (the data, the patches, the classes, the full size); each model is an
// abstract class deriving from it with its components; two experiments derive from each model: NAME, sized for a CPU
// (a smaller DiT, ImagePreset.Cpu), and NAME-full (ImagePreset.Full).

namespace Research.Experiments.Images;

/// <summary>
/// What every Fashion-MNIST experiment shares: the data, padded to 32×32, and a class-conditional network over its 10
/// classes that sees the images in patches of 4 (64 tokens), at the full size's width and depth (the CPU-sized
/// experiments set their own).
/// </summary>
[Dataset(typeof(FashionMnist))]
[Default("Dataset.PadTo32", true)]
[Default("Network.InputSize", 32), Default("Network.PatchSize", 4), Default("Network.InChannels", 1)]
[Default("Network.HiddenSize", 256), Default("Network.Depth", 6), Default("Network.NumHeads", 4)]
[Default("Network.NumClasses", 10)]
public abstract class FashionMnistModel(ImagePreset preset) : ImageExperiment(preset);

/// <summary>Class-conditional SiT on a DiT (10 % label dropout), Heun-32 sampling with classifier-free guidance 2.</summary>
[Interface(typeof(SiTInterface), TrainTimeDist = TimeDist.LogitNormal)]
[Network(typeof(DiT))]
[Sampler(typeof(Heun), Steps = 32)]
[Default("Network.ClassDropoutProb", 0.1)]
public abstract class DiTFashionMnistModel(ImagePreset preset) : FashionMnistModel(preset)
{
    /// <summary>Classifier-free guidance scale of previews and final samples.</summary>
    public override double GuidanceScale { get; init; } = 2.0;
}

/// <summary>Class-conditional SiT on a DiT (width 128, depth 4), Heun-16 with guidance 2: sized for a CPU.</summary>
[Experiment("dit-fashion-mnist")]
[Default("Network.HiddenSize", 128), Default("Network.Depth", 4), Default("Sampler.Steps", 16)]
public sealed partial class DiTFashionMnist() : DiTFashionMnistModel(ImagePreset.Cpu);

/// <summary>Class-conditional SiT on a DiT (width 256, depth 6), Heun-32 with guidance 2: the full size.</summary>
[Experiment("dit-fashion-mnist-full")]
public sealed partial class DiTFashionMnistFull() : DiTFashionMnistModel(ImagePreset.Full);

/// <summary>
/// Class-conditional MeanFlow on a DiT that takes dt, one-step EulerJump sampling. MeanFlow drops conditions itself
/// (Interface.CondDropRatio) so the network's own label dropout is 0 (MeanFlow refuses a network that drops labels).
/// </summary>
[Interface(typeof(MeanFlowInterface), TrainTimeDist = TimeDist.LogitNormal)]
[Network(typeof(DiT))]
[Sampler(typeof(EulerJump), Steps = 1)]
[Default("Network.ClassDropoutProb", 0.0), Default("Network.TakeDt", true)]
[Default("Interface.TMu", -0.4)]
public abstract class MeanFlowFashionMnistModel(ImagePreset preset) : FashionMnistModel(preset);

/// <summary>
/// Class-conditional MeanFlow on a DiT (width 128, depth 4), one-step samples: sized for a CPU. A MeanFlow step (a JVP
/// by double VJP) costs 2.3 plain steps (measured), so the batch is halved to keep the run near 20 minutes.
/// </summary>
[Experiment("meanflow-fashion-mnist")]
[Default("Network.HiddenSize", 128), Default("Network.Depth", 4)]
public sealed partial class MeanFlowFashionMnist() : MeanFlowFashionMnistModel(ImagePreset.Cpu with { BatchSize = 32 });

/// <summary>Class-conditional MeanFlow on a DiT (width 256, depth 6), one-step samples: the full size.</summary>
[Experiment("meanflow-fashion-mnist-full")]
public sealed partial class MeanFlowFashionMnistFull() : MeanFlowFashionMnistModel(ImagePreset.Full);

/// <summary>
/// dit-fashion-mnist with REPA: the DiT's block-2 tokens, through a projector, are aligned with the features of a
/// class-supervised conv encoder trained offline on the training split (cached under runs/.cache/encoders).
/// </summary>
[Interface(typeof(SiTInterface), TrainTimeDist = TimeDist.LogitNormal)]
[Network(typeof(DiT))]
[Sampler(typeof(Heun), Steps = 32)]
[Repa(typeof(FashionMnistEncoderSource), Depth = 2, ProjectionDim = 256, LossWeight = 0.5)]
[Default("Network.ClassDropoutProb", 0.1)]
public abstract class RepaFashionMnistModel(ImagePreset preset) : FashionMnistModel(preset)
{
    /// <summary>Classifier-free guidance scale of previews and final samples.</summary>
    public override double GuidanceScale { get; init; } = 2.0;
}

/// <summary>dit-fashion-mnist with REPA (block-2 tokens aligned with an offline encoder), width 128, depth 4: sized for a CPU.</summary>
[Experiment("repa-fashion-mnist")]
[Default("Network.HiddenSize", 128), Default("Network.Depth", 4), Default("Sampler.Steps", 16)]
public sealed partial class RepaFashionMnist() : RepaFashionMnistModel(ImagePreset.Cpu);

/// <summary>dit-fashion-mnist with REPA (block-2 tokens aligned with an offline encoder), width 256, depth 6: the full size.</summary>
[Experiment("repa-fashion-mnist-full")]
public sealed partial class RepaFashionMnistFull() : RepaFashionMnistModel(ImagePreset.Full);

/// <summary>
/// Class-conditional sCT (continuous-time consistency training, the sCM loss with the learned log-variance weight) on a
/// DiT with a log-variance head, one-step consistency sampling without guidance (a consistency model's guidance belongs to
/// a teacher). The DiT embeds raw TrigFlow times t ∈ [0, π/2] (time scale 1): the JVP differentiates the network in t,
/// and the toys diverged with large time scales.
/// </summary>
[Interface(typeof(SctInterface), TrainTimeDist = TimeDist.LogNormal)]
[Network(typeof(DiT))]
[Sampler(typeof(ConsistencySampler), Steps = 1)]
[Default("Network.ClassDropoutProb", 0.1), Default("Network.LogVarianceHead", true)]
public abstract class SctFashionMnistModel(ImagePreset preset) : FashionMnistModel(preset);

/// <summary>
/// Class-conditional sCT on a DiT (width 128, depth 4), one-step samples: sized for a CPU. The sCM step (forward-mode JVP)
/// costs about 1.5 plain steps, so the batch is halved as for MeanFlow, and the tangent warm-up is shortened to the run.
/// From scratch it does not reach recognisable samples on a CPU budget (final/fd 166 at 1,500 steps; README, "Image
/// experiments", also gives the consistency-tuning run from a trained dit-fashion-mnist, 58.7); scd-fashion-mnist does.
/// </summary>
[Experiment("sct-fashion-mnist")]
[Default("Network.HiddenSize", 128), Default("Network.Depth", 4), Default("Interface.WarmupSteps", 1000L)]
public sealed partial class SctFashionMnist() : SctFashionMnistModel(ImagePreset.Cpu with { BatchSize = 32 });

/// <summary>Class-conditional sCT on a DiT (width 256, depth 6), one-step samples: the full size.</summary>
[Experiment("sct-fashion-mnist-full")]
public sealed partial class SctFashionMnistFull() : SctFashionMnistModel(ImagePreset.Full);

/// <summary>
/// Class-conditional sCD (continuous-time consistency distillation, the sCM loss with the learned log-variance weight)
/// of a trained <c>dit-fashion-mnist</c> teacher (its EMA weights, frozen, classifier-free guidance 2 on its tangent), on
/// the teacher's DiT plus a log-variance head, started from the teacher's weights; one-step consistency sampling without
/// guidance (the guidance is distilled into the student). Without --Interface.TeacherRun, `run` reuses the newest
/// finished dit-fashion-mnist run in the runs folder, or trains one first.
/// </summary>
[Interface(typeof(ScdInterface), TrainTimeDist = TimeDist.LogNormal)]
[Network(typeof(DiT))]
[Sampler(typeof(ConsistencySampler), Steps = 1)]
[Default("Network.ClassDropoutProb", 0.1), Default("Network.LogVarianceHead", true)]
[Default("Interface.TeacherGuidanceScale", 2.0)]
public abstract class ScdFashionMnistModel(ImagePreset preset) : FashionMnistModel(preset);

/// <summary>
/// sCD of dit-fashion-mnist (width 128, depth 4) into a one-step student of the same size: sized for a CPU, 1,000 steps at
/// batch 32 (the sCD step, a teacher pass with guidance plus the student's forward-mode JVP, costs about 1.8 plain steps)
/// and learning rate 3e-4. Measured from the defaults (teacher trained first, final/fd_g2 12.6): one-step final/fd 17.2,
/// every class recognisable in the final grid; from a 1,508-step teacher (18.7): 29.9 (at 1e-4: 38.4).
/// </summary>
[Experiment("scd-fashion-mnist")]
[Default("Network.HiddenSize", 128), Default("Network.Depth", 4)]
[Default("Interface.TeacherExperiment", "dit-fashion-mnist"), Default("Interface.WarmupSteps", 500L)]
public sealed partial class ScdFashionMnist() : ScdFashionMnistModel(ImagePreset.Cpu with { Steps = 1000, BatchSize = 32, LearningRate = 3e-4 });

/// <summary>sCD of dit-fashion-mnist-full (width 256, depth 6) into a one-step student of the same size: the full size.</summary>
[Experiment("scd-fashion-mnist-full")]
[Default("Interface.TeacherExperiment", "dit-fashion-mnist-full")]
public sealed partial class ScdFashionMnistFull() : ScdFashionMnistModel(ImagePreset.Full);
