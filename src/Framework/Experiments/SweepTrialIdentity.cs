namespace Research.Framework.Experiments;

/// <summary>
/// Which trial of a sweep a run is, as its config.json records it under <c>trial</c> (next to <c>sweep_id</c>): the
/// trial's number in the sweep and the parameters the sweep gave it (invariant command-line text). With the run's
/// summary this is all a trial store needs to take the trial back after the store was lost.
/// </summary>
/// <param name="Number">The trial's number in its sweep (0, 1, 2, …).</param>
/// <param name="Parameters">The trial's own overrides, apart from the sweep's fixed ones.</param>
public sealed record SweepTrialIdentity(int Number, IReadOnlyDictionary<string, string> Parameters);
