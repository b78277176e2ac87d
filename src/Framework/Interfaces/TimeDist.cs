namespace Research.Framework.Interfaces;

/// <summary>Distribution of the training time t (sigma for EDM).</summary>
public enum TimeDist
{
    /// <summary>t ~ U(0, 1).</summary>
    Uniform,
    /// <summary>t = exp(N(mu, sigma²)): EDM's log-normal sigma (P_mean = mu, P_std = sigma).</summary>
    LogNormal,
    /// <summary>t = sigmoid(N(mu, sigma²)): the logit-normal of SD3 / SiT.</summary>
    LogitNormal,
}

/// <summary>Parses the reference's spellings of <see cref="TimeDist"/>.</summary>
public static class TimeDistParser
{
    static readonly IReadOnlyDictionary<string, TimeDist> Spellings = new Dictionary<string, TimeDist>(StringComparer.OrdinalIgnoreCase)
    {
        ["uniform"] = TimeDist.Uniform,
        ["lognormal"] = TimeDist.LogNormal,
        ["logitnormal"] = TimeDist.LogitNormal,
        ["logit_normal"] = TimeDist.LogitNormal,
    };

    /// <summary>
    /// Accepts "uniform", "lognormal", "logit_normal" and "logitnormal" in any case; anything else is an
    /// <see cref="ArgumentException"/> that lists the choices.
    /// </summary>
    public static TimeDist Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Spellings.TryGetValue(text.Trim(), out var dist)) return dist;
        throw new ArgumentException(
            $"Unknown time distribution '{text}'. Valid choices: {string.Join(", ", Spellings.Keys.Select(k => $"'{k}'"))} (any case).",
            nameof(text));
    }
}
