namespace Research.Framework.Interfaces;

/// <summary>
/// Options shared by the Gaussian-path interfaces (SiT, EDM and those built on them): the Gaussian behind the
/// training-time distribution, the noise and the data scale, with the reference's defaults.
/// </summary>
public abstract record PathOptions : InterfaceOptions
{
    /// <summary>Mean of the Gaussian behind log-normal / logit-normal times (EDM's P_mean).</summary>
    public double TMu { get; init; }
    /// <summary>Standard deviation of that Gaussian (EDM's P_std, &gt; 0).</summary>
    public double TSigma { get; init; } = 1.0;
    /// <summary>Mean of the noise.</summary>
    public double NMu { get; init; }
    /// <summary>Standard deviation of the noise (&gt; 0).</summary>
    public double NSigma { get; init; } = 1.0;
    /// <summary>Standard deviation of the data, sigma_data (&gt; 0; EDM's preconditioning uses it, SiT keeps it for parity).</summary>
    public double XSigma { get; init; } = 0.5;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        var name = GetType().Name;
        OptionChecks.Finite(TMu, $"{name}.TMu");
        OptionChecks.Positive(TSigma, $"{name}.TSigma");
        OptionChecks.Finite(NMu, $"{name}.NMu");
        OptionChecks.Positive(NSigma, $"{name}.NSigma");
        OptionChecks.Positive(XSigma, $"{name}.XSigma");
    }
}
