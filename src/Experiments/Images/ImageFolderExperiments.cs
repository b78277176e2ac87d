using Research.Framework.Data.Images;
using Research.Framework.Evaluation;
using Research.Framework.Experiments;
using Research.Framework.Interfaces;
using Research.Framework.Networks;
using Research.Framework.Samplers;

// Your own images: a folder of PNG/JPEG files (ImageNet's train/ layout: one sub-folder per class) read by
// ImageFolder.Load(ImageFolderOptions) → Dataset.*. The class count is the folder's, known only at run time, so
// Network.NumClasses stays a setting (null: unconditional) and a plan whose value differs from the folder's is
// refused naming the right one (ClassCountCheck). Network.InputSize and InChannels must match Dataset.Resolution and
// Dataset.Channels (the pre-flight sample fails otherwise).

namespace Research.Experiments.Images;

/// <summary>
/// SiT flow matching on a DiT over a folder of images (center-cropped to Dataset.Resolution, flipped), Heun-32
/// sampling; FD, precision and recall against the held-back images (8×8 pixel features, or Inception from Dataset.InceptionWeights).
/// </summary>
[Experiment("dit-imagefolder")]
[Interface(typeof(SiTInterface), TrainTimeDist = TimeDist.LogitNormal)]
[Network(typeof(DiT))]
[Sampler(typeof(Heun), Steps = 32)]
[Dataset(typeof(ImageFolder))]
[Evaluate(Reference = typeof(ImageFolderReferenceSource), Samples = 256)]
[Default("Network.InputSize", 32), Default("Network.PatchSize", 4), Default("Network.InChannels", 3)]
[Default("Network.HiddenSize", 128), Default("Network.Depth", 4), Default("Network.NumHeads", 4)]
[Default("Network.NumClasses", null!), Default("Network.ClassDropoutProb", 0.1)]
public sealed partial class DiTImageFolder
{
    /// <summary>Training steps.</summary>
    public long Steps { get; init; } = 5000;
    /// <summary>Batch size.</summary>
    [Sweep(32, 64)]
    public int BatchSize { get; init; } = 32;
    /// <summary>Peak learning rate (AdamW).</summary>
    [Sweep(1e-4, 3e-4)]
    public double LearningRate { get; init; } = 3e-4;
    /// <summary>EMA decay of the sampling model.</summary>
    public double EmaDecay { get; init; } = 0.999;
    /// <summary>Seed of the data order and flips, the model's streams and the weights.</summary>
    public long Seed { get; init; }
    /// <summary>Log metrics every this many steps.</summary>
    public long LogEvery { get; init; } = 50;
    /// <summary>Preview image grids every this many steps.</summary>
    public long PreviewEvery { get; init; } = 500;
    /// <summary>Images in each preview grid.</summary>
    public int PreviewCount { get; init; } = 32;
    /// <summary>Final samples drawn for samples.npy and the final FD, precision and recall.</summary>
    public int SampleCount { get; init; } = 256;
    /// <summary>Classifier-free guidance scale of previews and final samples (1 = none; above 1 needs a class-conditional network).</summary>
    public double GuidanceScale { get; init; } = 1.0;
}
