using Research.Framework.Data;
using Research.Framework.Experiments;
using Research.Framework.Interfaces;
using Research.Framework.Networks.Lightning;
using Research.Framework.Samplers;

// LightningDiT on Fashion-MNIST: dit-fashion-mnist's recipe (class-conditional SiT with logit-normal times, Heun
// sampling with classifier-free guidance 2, the 32×32-padded images in patches of 4) on the LightningDiT backbone
// (RMSNorm, SwiGLU, 2-D RoPE; the published configuration: adaLN with shift, no qk-norm), sized for a CPU.

namespace Research.Experiments.Images;

/// <summary>Class-conditional SiT on a LightningDiT (width 128, depth 4, 10 % label dropout), Heun-16 with guidance 2: sized for a CPU.</summary>
[Experiment("lightningdit-fashion-mnist")]
[Interface(typeof(SiTInterface), TrainTimeDist = TimeDist.LogitNormal)]
[Network(typeof(LightningDiT))]
[Sampler(typeof(Heun), Steps = 16)]
[Default("Network.HiddenSize", 128), Default("Network.Depth", 4), Default("Network.NumHeads", 4)]
[Default("Network.ClassDropoutProb", 0.1)]
public sealed partial class LightningDiTFashionMnist() : FashionMnistModel(ImagePreset.Cpu)
{
    /// <summary>Classifier-free guidance scale of previews and final samples.</summary>
    public override double GuidanceScale { get; init; } = 2.0;
}
