using static TorchSharp.torch;

namespace Research.Framework.Training;

/// <summary>The weights samples are drawn with: the first EMA track's, or the online weights without EMA.</summary>
public static class SamplingWeights
{
    /// <summary>The name of the sampling weights: the first EMA track's, or "online".</summary>
    public static string Name(IReadOnlyList<EmaTrack> ema) => ema.Count > 0 ? ema[0].Options.TrackName : "online";

    /// <summary>
    /// Puts the sampling weights into <paramref name="network"/>, in eval mode, until disposed; then the online
    /// weights and the training mode it had come back.
    /// </summary>
    public static IDisposable Use(nn.Module network, IReadOnlyList<EmaTrack> ema) => new Swap(network, ema.Count > 0 ? ema[0] : null);

    sealed class Swap : IDisposable
    {
        readonly nn.Module network;
        readonly IDisposable? swap;
        readonly bool wasTraining;

        public Swap(nn.Module network, EmaTrack? ema)
        {
            this.network = network;
            wasTraining = network.training;
            swap = ema?.SwapInto(network);
            network.eval();
        }

        public void Dispose()
        {
            swap?.Dispose();
            if (wasTraining) network.train();
        }
    }
}
