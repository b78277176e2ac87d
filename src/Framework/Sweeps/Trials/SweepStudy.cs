namespace Research.Framework.Sweeps.Trials;

/// <summary>
/// A sweep as the trial store keeps it (Optuna's "study"): created once by name, then shared by every worker that
/// names it, so running the same command again resumes it.
/// </summary>
/// <param name="Id">The store's id of the sweep.</param>
/// <param name="Name">The unique name workers find it by.</param>
/// <param name="Experiment">The experiment whose runs are its trials.</param>
/// <param name="Objective">The summary metric and direction the sweep optimizes.</param>
/// <param name="Spec">The sweep's specification text (the search space, method and budget as given), for the record and the dashboard.</param>
/// <param name="Created">When the sweep was first created.</param>
public sealed record SweepStudy(long Id, string Name, string Experiment, SweepObjective Objective, string Spec, DateTimeOffset Created);
