namespace Research.Framework.Training.PostHocEma;

/// <summary>
/// Post-hoc EMA during training (EDM2): keep one power-function EMA track per σ_rel in <see cref="Stds"/> and save
/// each every <see cref="SnapshotEvery"/> steps (and at the last step) into the run's phema/ folder, from which
/// <see cref="PostHocReconstruction"/> computes the EMA of any σ_rel after training.
/// </summary>
/// <param name="SnapshotEvery">Steps between snapshots (EDM2 saves every 8 Mi images, about 4,000 steps at batch 2,048).</param>
public sealed record PostHocEmaOptions(long SnapshotEvery)
{
    /// <summary>The stored profiles' relative standard deviations (EDM2's 0.05 and 0.10).</summary>
    public IReadOnlyList<double> Stds { get; init; } = [0.05, 0.10];

    /// <summary>The EMA tracks that keep the profiles, after the sampling tracks in a checkpoint.</summary>
    public IReadOnlyList<EmaOptions> Tracks => [.. Stds.Select(std => new EmaOptions { PowerStd = std })];

    /// <summary>Throws an <see cref="ArgumentException"/> that names the bad setting and its range.</summary>
    public void Validate()
    {
        if (SnapshotEvery <= 0)
            throw new ArgumentOutOfRangeException(nameof(SnapshotEvery), SnapshotEvery, $"Post-hoc EMA snapshots need a cadence of at least 1 step (got {SnapshotEvery}).");
        if (Stds.Count == 0) throw new ArgumentException("Post-hoc EMA needs at least one σ_rel to store (EDM2: 0.05 and 0.10).");
        if (Stds.Distinct().Count() != Stds.Count) throw new ArgumentException($"Post-hoc EMA's σ_rel values repeat: {string.Join(", ", Stds)}.");
        foreach (var std in Stds) PowerFunction.StdToExp(std);
    }

    /// <summary>Whether the tracks are saved after <paramref name="step"/> of a run of <paramref name="totalSteps"/>.</summary>
    public bool SnapshotsAt(long step, long totalSteps) => step % SnapshotEvery == 0 || step == totalSteps;
}
