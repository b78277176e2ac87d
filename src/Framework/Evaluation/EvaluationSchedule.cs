namespace Research.Framework.Evaluation;

/// <summary>
/// One periodic evaluation during training, as in the reference's list of (guidance scale, sample count, interval):
/// several entries let a run track, say, a cheap unguided preview often and a guided, larger one rarely.
/// </summary>
/// <param name="Every">Evaluate every this many optimizer steps (and at the last step).</param>
/// <param name="Samples">How many samples each evaluation draws (fewer than the protocol's minimum makes a preview).</param>
/// <param name="GuidanceScale">Classifier-free guidance scale of the samples (1 = none).</param>
public sealed record EvaluationSchedule(long Every, int Samples, double GuidanceScale = 1.0)
{
    /// <summary>Throws when the interval or the sample count is not positive.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Every, 1, nameof(Every));
        ArgumentOutOfRangeException.ThrowIfLessThan(Samples, 2, nameof(Samples));
    }
}
