namespace Research.Framework.Encoders;

/// <summary>
/// The shape and initialisation of a <see cref="ConvFeatureEncoder"/>: three 3×3 convolutions of widths Width,
/// 2·Width and FeatureDim, the last two with stride 2, so a 32×32 image gives an 8×8 grid of 64 tokens
/// (28×28 gives 7×7). Part of the cache key, so changing any field trains a new encoder.
/// </summary>
public sealed record ConvEncoderOptions
{
    /// <summary>Image channels C.</summary>
    public int InChannels { get; init; } = 1;
    /// <summary>Width of the first convolution (the second has twice as many channels).</summary>
    public int Width { get; init; } = 32;
    /// <summary>Channels of the last feature map: the width of the tokens REPA aligns with.</summary>
    public int FeatureDim { get; init; } = 64;
    /// <summary>GroupNorm groups; must divide Width, 2·Width and FeatureDim.</summary>
    public int Groups { get; init; } = 8;
    /// <summary>Classes of the training head (Fashion-MNIST: 10).</summary>
    public int NumClasses { get; init; } = 10;
    /// <summary>Seed of the weight initialisation (drawn from its own generator, never the global one).</summary>
    public long Seed { get; init; }

    /// <summary>Throws an error naming the bad option.</summary>
    public void Validate()
    {
        void Positive(int value, string name)
        {
            if (value <= 0) throw new ArgumentOutOfRangeException(name, value, $"ConvEncoderOptions.{name} must be > 0 (got {value}).");
        }
        Positive(InChannels, nameof(InChannels));
        Positive(Width, nameof(Width));
        Positive(FeatureDim, nameof(FeatureDim));
        Positive(Groups, nameof(Groups));
        Positive(NumClasses, nameof(NumClasses));
        if (Width % Groups != 0 || FeatureDim % Groups != 0)
            throw new ArgumentException($"ConvEncoderOptions.Groups ({Groups}) must divide Width ({Width}) and FeatureDim ({FeatureDim}).");
    }
}
