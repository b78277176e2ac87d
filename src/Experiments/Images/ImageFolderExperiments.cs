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
public sealed partial class DiTImageFolder() : ImageSettings(ImagePreset.Folder);
