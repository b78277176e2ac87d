namespace Research.Framework.Experiments;

/// <summary>
/// Every seed a run derives from its one <see cref="ExperimentPlan.Seed"/>, in one table: the data order, the exact
/// reference draws the previews are plotted over, the preview noise, the final evaluation (which <c>eval</c> repeats
/// by default) and the periodic evaluations. The offsets are the ones runs have always used, so results stay
/// bit-identical; +4 and +5 are unused. The model's own streams (time, noise, dropout) are seeded by its options.
/// </summary>
/// <param name="Loader">The batch order.</param>
/// <param name="Reference">The exact draws of a procedural 2-D set shown behind the previews.</param>
/// <param name="Preview">The noise of the preview samples.</param>
/// <param name="Final">The noise and reference draws of the final evaluation, and of <c>eval</c> without <c>--seed</c>.</param>
/// <param name="Periodic">The noise and reference draws of the periodic evaluations.</param>
public sealed record RunSeeds(long Loader, long Reference, long Preview, long Final, long Periodic)
{
    /// <summary>The seeds of a run with <paramref name="seed"/>.</summary>
    public static RunSeeds From(long seed) => new(Loader: seed, Reference: seed + 1, Preview: seed + 2, Final: seed + 3, Periodic: seed + 6);
}
