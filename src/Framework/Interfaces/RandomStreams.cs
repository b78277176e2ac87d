using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Interfaces;

/// <summary>
/// The random streams a model owns, all derived from one seed with the reference's offsets
/// (params = seed, dropout = seed + 1, time = seed + 2, noise = seed + 3, label_dropout = seed + 4).
/// Separate streams keep, for example, the noise draws unchanged when the time distribution changes.
/// Draws depend only on the seed and the call sequence, never on the global torch RNG.
/// </summary>
public sealed class RandomStreams : IDisposable
{
    /// <summary>Creates the streams on <paramref name="device"/> (CPU when null).</summary>
    public RandomStreams(long seed, Device? device = null)
    {
        Seed = seed;
        var on = device ?? CPU;
        Dropout = new Generator(unchecked((ulong)(seed + 1)), on);
        Time = new Generator(unchecked((ulong)(seed + 2)), on);
        Noise = new Generator(unchecked((ulong)(seed + 3)), on);
        LabelDropout = new Generator(unchecked((ulong)(seed + 4)), on);
    }

    /// <summary>The seed the streams were derived from.</summary>
    public long Seed { get; }

    /// <summary>Training times t (and r).</summary>
    public Generator Time { get; }

    /// <summary>Noise n.</summary>
    public Generator Noise { get; }

    /// <summary>Classifier-free-guidance label drops (network label dropout, MeanFlow cond_drop).</summary>
    public Generator LabelDropout { get; }

    /// <summary>Dropout layers.</summary>
    public Generator Dropout { get; }

    /// <summary>The generators by name, in a fixed order (for checkpoints).</summary>
    public IReadOnlyList<(string Name, Generator Generator)> All =>
        [("time", Time), ("noise", Noise), ("label_dropout", LabelDropout), ("dropout", Dropout)];

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var (_, generator) in All) generator.Dispose();
    }
}
