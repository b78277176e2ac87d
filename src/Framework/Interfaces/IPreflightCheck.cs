namespace Research.Framework.Interfaces;

/// <summary>
/// An interface with a part that sampling the student never runs (sCD's teacher): the pre-flight check
/// (<c>Runs.Preflight</c>) asks it to run that part on a tiny batch of the data's shape, so that a mismatch fails before
/// step 1 with one clear line instead of killing the run at its first training step.
/// </summary>
public interface IPreflightCheck
{
    /// <summary>Runs the part on a batch of two zero samples of <paramref name="sampleShape"/>; throws an <see cref="ArgumentException"/> naming what does not fit.</summary>
    void CheckBeforeTraining(long[] sampleShape);
}
