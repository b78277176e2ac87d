using System.Globalization;
using Research.Framework.Tracking;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Training.PostHocEma;

/// <summary>
/// The EMA of any σ_rel after training, from the saved profiles (EDM2's post-hoc EMA; phema.py's
/// <c>solve_posthoc_coefficients</c> and the reconstruction in <c>reconstruct_phema.py</c>): the snapshots up to
/// the wanted step are combined with the least-squares coefficients of <see cref="PowerFunction.SolveCoefficients"/>.
/// A stored profile comes back exactly (up to float rounding); others are the closest combination of the stored
/// ones. The sums run in float64 and are cast to each parameter's type at the end.
/// </summary>
public static class PostHocReconstruction
{
    /// <summary>
    /// The snapshots used for σ_rel <paramref name="std"/> at <paramref name="atStep"/> (default: the newest snapshot's
    /// step) and their coefficients. Snapshots saved after that step are not used.
    /// </summary>
    public static IReadOnlyList<(PostHocEmaSnapshot Snapshot, double Coefficient)> Coefficients(
        IReadOnlyList<PostHocEmaSnapshot> snapshots, double std, long? atStep = null)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        if (snapshots.Count == 0)
            throw new ArgumentException("There are no post-hoc EMA snapshots to reconstruct from; train with post-hoc EMA on (the PostHocEmaEvery setting).", nameof(snapshots));
        PowerFunction.StdToExp(std);   // names a σ_rel out of range
        long step = atStep ?? snapshots.Max(s => s.Step);
        var used = snapshots.Where(s => s.Step <= step).ToArray();
        if (used.Length == 0)
            throw new ArgumentException($"No post-hoc EMA snapshot was saved at or before step {step}; the first is at step {snapshots.Min(s => s.Step)}.", nameof(atStep));
        var x = PowerFunction.SolveCoefficients([.. used.Select(s => ((double)s.Step, s.Std))], [(step, std)]);
        return [.. used.Select((s, i) => (s, x[i, 0]))];
    }

    /// <summary>
    /// The reconstructed averages, in the order the snapshots store them (<c>named_parameters()</c>); the caller owns
    /// (disposes) the tensors.
    /// </summary>
    public static Tensor[] Average(IReadOnlyList<PostHocEmaSnapshot> snapshots, double std, long? atStep = null)
    {
        var coefficients = Coefficients(snapshots, std, atStep);
        var names = new List<string>();
        var types = new List<ScalarType>();
        var sums = new List<Tensor>();
        using var scope = NewDisposeScope();
        using var noGradient = no_grad();
        foreach (var (snapshot, coefficient) in coefficients)
        {
            bool first = names.Count == 0;
            int count = 0;
            PostHocEmaSnapshots.ReadAverages(snapshot, (i, name, average) =>
            {
                count++;
                using var wide = average.to_type(ScalarType.Float64);
                if (first)
                {
                    // The first snapshot fixes the names, types and shapes.
                    names.Add(name);
                    types.Add(average.dtype);
                    sums.Add(wide.mul(coefficient).DetachFromDisposeScope());
                    return;
                }
                if (i >= names.Count || name != names[i])
                    throw new InvalidDataException($"{snapshot.Path}: tensor {i} is '{name}', not '{(i < names.Count ? names[i] : "(none)")}' as in the other snapshots; snapshots of different models are mixed.");
                sums[i].add_(wide, alpha: coefficient);
            });
            if (count != names.Count)
                throw new InvalidDataException($"{snapshot.Path} holds {count} tensors; the other snapshots hold {names.Count}.");
        }
        var result = new Tensor[sums.Count];
        for (int i = 0; i < sums.Count; i++)
        {
            result[i] = sums[i].to_type(types[i]).DetachFromDisposeScope();
            sums[i].Dispose();
        }
        return result;
    }

    /// <summary>
    /// An EMA track of <paramref name="network"/> holding the reconstruction of σ_rel <paramref name="std"/>, named
    /// "phema_&lt;σ_rel&gt;", to swap in like any track (<see cref="SamplingWeights.Use"/>, <see cref="EmaTrack.SwapInto"/>).
    /// </summary>
    public static EmaTrack Track(nn.Module network, IReadOnlyList<PostHocEmaSnapshot> snapshots, double std, long? atStep = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        var averages = Average(snapshots, std, atStep);
        try
        {
            var track = new EmaTrack(network, new EmaOptions(Name: TrackName(std)) { PowerStd = std });
            if (track.Names.Count != averages.Length)
            {
                track.Dispose();
                throw new ArgumentException($"The snapshots hold {averages.Length} tensors; the network has {track.Names.Count} parameters.", nameof(network));
            }
            track.CopyFrom(averages);
            return track;
        }
        finally
        {
            foreach (var average in averages) average.Dispose();
        }
    }

    /// <summary>The same from the snapshots in <paramref name="run"/>'s phema/ folder.</summary>
    public static EmaTrack Track(nn.Module network, RunLayout run, double std, long? atStep = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        var snapshots = PostHocEmaSnapshots.List(run.PostHocEma);
        if (snapshots.Count == 0)
            throw new ArgumentException($"{run.Directory} has no post-hoc EMA snapshots (no {RunLayout.PostHocEmaFolderName}/ folder with phema-*.bin); train with the PostHocEmaEvery setting to save them.", nameof(run));
        return Track(network, snapshots, std, atStep);
    }

    /// <summary>The name of a reconstructed track: "phema_&lt;σ_rel&gt;".</summary>
    public static string TrackName(double std) => $"phema_{std.ToString(CultureInfo.InvariantCulture)}";
}
