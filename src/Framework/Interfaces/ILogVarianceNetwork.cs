using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Interfaces;

/// <summary>
/// A network with an optional per-time log-variance head u(c_noise) (EDM2's "uncertainty" output, Karras et al.
/// 2024, and sCM's adaptive weight, Lu &amp; Song 2024). The head sees only the time, so it learns the loss level at each
/// time and the weighted loss L/e^u + u balances the times without hand tuning.
/// </summary>
public interface ILogVarianceNetwork : IDiffusionNetwork
{
    /// <summary>True when the network was built with the head (it is off unless asked for).</summary>
    bool HasLogVariance { get; }

    /// <summary>The log-variance u (B) at the network's time input c_noise (B).</summary>
    Tensor LogVariance(Tensor cNoise);
}

/// <summary>The uncertainty-weighted loss L/e^u + u shared by the interfaces that offer it.</summary>
public static class LogVarianceWeighting
{
    /// <summary>
    /// Null when <paramref name="enabled"/> is false; otherwise the network's head, or an error naming the option that asked
    /// for it and how to turn the head on. Checked when the interface is built, so a missing head fails before any step.
    /// </summary>
    public static ILogVarianceNetwork? HeadFor(bool enabled, IDiffusionNetwork network, string option)
    {
        if (!enabled) return null;
        if (network is ILogVarianceNetwork { HasLogVariance: true } head) return head;
        throw new ArgumentException(
            $"{option} needs a network with a log-variance head, but {network.GetType().Name} " +
            (network is ILogVarianceNetwork ? "was built without one: set its LogVarianceHead option (Network.LogVarianceHead true)." : "has none (ToyMlp and DiT have one: Network.LogVarianceHead true).") +
            $" Or turn {option} off.", nameof(network));
    }

    /// <summary>perSampleLoss / e^u + u with u = head(c_noise), per sample (B).</summary>
    public static Tensor Apply(ILogVarianceNetwork head, Tensor perSampleLoss, Tensor cNoise)
    {
        var logVariance = head.LogVariance(cNoise).to_type(perSampleLoss.dtype);
        return perSampleLoss * (-logVariance).exp() + logVariance;
    }
}
