namespace Research.Framework.Sweeps.Workers;

/// <summary>Runs one trial's body: trains with the trial's parameters, reporting intermediate values through the context.</summary>
public interface ITrialRunner
{
    /// <summary>
    /// Runs the trial to the end or until <see cref="TrialContext.Cancel"/> (after saving a checkpoint). Throws when
    /// the trial fails; a finished trial without the objective metric is a failure too.
    /// </summary>
    TrialOutcome Run(TrialContext context);
}

/// <summary>How a trial body ended.</summary>
/// <param name="Value">The objective's final value (null when stopped early).</param>
/// <param name="Stopped">True when it stopped early on the context's token (after a checkpoint).</param>
public sealed record TrialOutcome(double? Value, bool Stopped);
