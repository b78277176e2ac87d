using Research.Framework.Evaluation;
using Research.Framework.Experiments;
using Research.Framework.Interfaces;
using Research.Framework.Latents;
using Research.Framework.Networks;
using Research.Framework.Samplers;

// Latent diffusion on your own images: the folder of dit-imagefolder (Dataset.Folder, Resolution, HoldOut, ...) encoded
// by a diffusers AutoencoderKL (Dataset.VaeWeights, config.json beside it) into a memory-mapped latent cache, the
// network trained on (latent channels, Resolution/f, Resolution/f) latents, and every preview and evaluation sample
// decoded back to an image by the same VAE and measured against the held-back images. The defaults are SiT-S/2's
// on ImageNet 256² with SD-VAE (latents 4×32×32); Network.InputSize and InChannels must match the latents
// (the pre-flight sample fails otherwise).

namespace Research.Experiments.Images;

/// <summary>
/// SiT flow matching on a DiT over an image folder's SD-VAE latents (posterior sampled at read time, flips stored in the
/// cache), Heun-32 sampling; samples decoded by the VAE, FD, precision and recall against the held-back images.
/// </summary>
[Experiment("sit-latent-imagefolder")]
[Interface(typeof(SiTInterface), TrainTimeDist = TimeDist.LogitNormal)]
[Network(typeof(DiT))]
[Sampler(typeof(Heun), Steps = 32)]
[Dataset(typeof(LatentImageFolder))]
[Evaluate(Reference = typeof(ImageFolderReferenceSource), Samples = 256)]
[Default("Dataset.Resolution", 256)]
[Default("Network.InputSize", 32), Default("Network.PatchSize", 2), Default("Network.InChannels", 4)]
[Default("Network.HiddenSize", 384), Default("Network.Depth", 12), Default("Network.NumHeads", 6)]
[Default("Network.NumClasses", null!), Default("Network.ClassDropoutProb", 0.1)]
public sealed partial class SiTLatentImageFolder() : ImageSettings(ImagePreset.Folder);
