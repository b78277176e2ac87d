using Research.Framework.Data;
using Research.Framework.Encoders;
using Research.Framework.Experiments;
using Research.Framework.Interfaces;
using Research.Framework.Networks;
using Research.Framework.Samplers;

// The shipped Fashion-MNIST experiments: a class-conditional DiT (DiT-S-like widths are set with Network.*) on the
// 32×32-padded images, loaded by FashionMnist.Load(FashionMnistOptions) — a dataset with a static Load(TOptions)
// factory gets Dataset.* settings from its options record. The network's NumClasses (int?) is set to the dataset's 10
// classes with [Default]; the null label 10 is what classifier-free guidance and condition drops use.

namespace Research.Experiments.Images;

/// <summary>Class-conditional SiT on a DiT (10 % label dropout), Heun-32 sampling with classifier-free guidance 2.</summary>
[Experiment("dit-fashion-mnist")]
[Interface(typeof(SiTInterface), TrainTimeDist = TimeDist.LogitNormal)]
[Network(typeof(DiT))]
[Sampler(typeof(Heun), Steps = 32)]
[Dataset(typeof(FashionMnist))]
[Default("Dataset.PadTo32", true)]
[Default("Network.InputSize", 32), Default("Network.PatchSize", 4), Default("Network.InChannels", 1)]
[Default("Network.HiddenSize", 256), Default("Network.Depth", 6), Default("Network.NumHeads", 4)]
[Default("Network.NumClasses", 10), Default("Network.ClassDropoutProb", 0.1)]
public sealed partial class DiTFashionMnist : ImageExperiment
{
    /// <summary>Classifier-free guidance scale of previews and final samples.</summary>
    public override double GuidanceScale { get; init; } = 2.0;
}

/// <summary>
/// Class-conditional MeanFlow on a DiT that takes dt, one-step EulerJump sampling. MeanFlow drops conditions itself
/// (Interface.CondDropRatio) so the network's own label dropout is 0 (MeanFlow refuses a network that drops labels).
/// </summary>
[Experiment("meanflow-fashion-mnist")]
[Interface(typeof(MeanFlowInterface), TrainTimeDist = TimeDist.LogitNormal)]
[Network(typeof(DiT))]
[Sampler(typeof(EulerJump), Steps = 1)]
[Dataset(typeof(FashionMnist))]
[Default("Dataset.PadTo32", true)]
[Default("Network.InputSize", 32), Default("Network.PatchSize", 4), Default("Network.InChannels", 1)]
[Default("Network.HiddenSize", 256), Default("Network.Depth", 6), Default("Network.NumHeads", 4)]
[Default("Network.NumClasses", 10), Default("Network.ClassDropoutProb", 0.0), Default("Network.TakeDt", true)]
[Default("Interface.TMu", -0.4)]
public sealed partial class MeanFlowFashionMnist : ImageExperiment;

/// <summary>
/// dit-fashion-mnist with REPA: the DiT's block-2 tokens, through a projector, are aligned with the features of a
/// class-supervised conv encoder trained offline on the training split (cached under runs/.cache/encoders).
/// </summary>
[Experiment("repa-fashion-mnist")]
[Interface(typeof(SiTInterface), TrainTimeDist = TimeDist.LogitNormal)]
[Network(typeof(DiT))]
[Sampler(typeof(Heun), Steps = 32)]
[Dataset(typeof(FashionMnist))]
[Repa(typeof(FashionMnistEncoderSource), Depth = 2, ProjectionDim = 256, LossWeight = 0.5)]
[Default("Dataset.PadTo32", true)]
[Default("Network.InputSize", 32), Default("Network.PatchSize", 4), Default("Network.InChannels", 1)]
[Default("Network.HiddenSize", 256), Default("Network.Depth", 6), Default("Network.NumHeads", 4)]
[Default("Network.NumClasses", 10), Default("Network.ClassDropoutProb", 0.1)]
public sealed partial class RepaFashionMnist : ImageExperiment
{
    /// <summary>Classifier-free guidance scale of previews and final samples.</summary>
    public override double GuidanceScale { get; init; } = 2.0;
}
