using Research.Framework.Interfaces;

namespace Research.Framework.Encoders;

/// <summary>
/// Where an experiment's REPA encoder comes from (named by <see cref="Experiments.RepaAttribute"/>): a type with a
/// public parameterless constructor that loads a cached, hash-checked encoder or trains and caches one, offline.
/// </summary>
public interface IFeatureEncoderSource
{
    /// <summary>The encoder, cached under <paramref name="cacheRoot"/>/.cache; training (only on a miss) takes <paramref name="trainingSteps"/> steps.</summary>
    IFeatureEncoder Encoder(string cacheRoot, int trainingSteps);
}

/// <summary>The offline default for Fashion-MNIST: <see cref="EncoderCache.FashionMnist"/>'s class-supervised conv encoder on 32×32-padded images.</summary>
public sealed class FashionMnistEncoderSource : IFeatureEncoderSource
{
    /// <inheritdoc />
    public IFeatureEncoder Encoder(string cacheRoot, int trainingSteps) =>
        EncoderCache.FashionMnist(cacheRoot, training: new Training.ClassifierTrainingOptions { Steps = trainingSteps });
}
