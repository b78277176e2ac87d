using Research.Framework.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Tests.TestSupport;

/// <summary>Tiny networks for tests, and a way to make their output depend on everything (adaLN-Zero outputs 0 at init).</summary>
public static class NetworkFactory
{
    public static readonly DiTOptions Tiny = new()
    {
        InputSize = 8, PatchSize = 2, InChannels = 3, HiddenSize = 32, Depth = 2, NumHeads = 4,
        FrequencyEmbedSize = 16, NumClasses = 5, ClassDropoutProb = 0.1, Seed = 7,
    };

    /// <summary>Overwrites every parameter with N(0, std²) from a seeded generator.</summary>
    public static void Randomize(nn.Module module, long seed, double std = 0.1)
    {
        using var generator = new Generator((ulong)seed);
        using var _ = no_grad();
        foreach (var p in module.parameters()) p.normal_(0, std, generator);
    }
}
