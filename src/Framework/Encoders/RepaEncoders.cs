using Research.Framework.Encoders.Dinov2;
using Research.Framework.Experiments;
using Research.Framework.Interfaces;
using Research.Framework.Training;

namespace Research.Framework.Encoders;

/// <summary>The encoder REPA's settings choose: the experiment's offline source, or DINOv2 from a weights file.</summary>
public static class RepaEncoders
{
    /// <summary>
    /// <see cref="RepaSettings.Encoder"/>'s encoder. A setting that cannot be used (dinov2 without weights, weights
    /// without dinov2, a missing or unfitting file, a bad resolution) is an <see cref="InvalidSettingException"/> naming it.
    /// </summary>
    public static IFeatureEncoder Create(IFeatureEncoderSource source, RepaSettings settings)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(settings);
        bool hasWeights = !string.IsNullOrWhiteSpace(settings.EncoderWeights);
        switch (settings.Encoder)
        {
            case RepaEncoder.Source:
                if (hasWeights)
                    throw new InvalidSettingException($"--Repa.EncoderWeights is read only with --Repa.Encoder dinov2 (the encoder is '{RepaEncoder.Source}': the experiment's offline encoder).");
                return source.Encoder(settings.CacheRoot, settings.EncoderSteps);
            case RepaEncoder.Dinov2:
                if (!hasWeights)
                    throw new InvalidSettingException("--Repa.Encoder dinov2 needs --Repa.EncoderWeights: the path of a Hugging Face Dinov2Model model.safetensors " +
                        "(e.g. facebook/dinov2-base), with its config.json beside it.");
                return Dinov2FromFile(settings.EncoderWeights, settings.EncoderResolution);
            default:
                throw new InvalidSettingException($"--Repa.Encoder: '{settings.Encoder}' is not one of {string.Join(", ", Enum.GetNames<RepaEncoder>())}.");
        }
    }

    static Dinov2Encoder Dinov2FromFile(string path, int resolution)
    {
        try
        {
            return Dinov2Encoder.Load(path, resolution);
        }
        catch (Exception error) when (error is FileNotFoundException or InvalidDataException)
        {
            throw new InvalidSettingException($"--Repa.EncoderWeights: {error.Message}");
        }
        catch (ArgumentOutOfRangeException error) when (error.ParamName == "resolution")
        {
            throw new InvalidSettingException($"--Repa.EncoderResolution: {error.Message}");
        }
    }
}
