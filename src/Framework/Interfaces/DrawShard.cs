using static TorchSharp.torch;

namespace Research.Framework.Interfaces;

/// <summary>
/// Per-sample random draws of a slice of a larger batch, equal to the slice of the whole batch's draws. Data-parallel
/// training (<c>Training.DataParallel</c>) trains each rank on a slice of every global batch; inside its scope
/// (<see cref="Enter"/>), a draw whose first dimension is the slice's size is made for the whole global batch from the
/// same generator and narrowed to the slice, so every rank's times, noise and label drops are the ones a single process
/// drew for those samples and the generators advance as in one process. Outside a scope (every single-process run),
/// <see cref="Draw"/> calls the draw unchanged. The scope is per thread: only the training thread's loss sees it.
/// </summary>
public static class DrawShard
{
    [ThreadStatic] static Slice? current;

    /// <summary>A slice: <paramref name="Count"/> samples starting at <paramref name="Offset"/> of a batch of <paramref name="Total"/>.</summary>
    public sealed record Slice(long Offset, long Count, long Total);

    /// <summary>The slice the training thread's draws are for, or null.</summary>
    public static Slice? Current => current;

    /// <summary>Draws for <paramref name="slice"/> until the returned scope is disposed.</summary>
    public static IDisposable Enter(Slice slice)
    {
        ArgumentNullException.ThrowIfNull(slice);
        if (slice.Count < 1 || slice.Offset < 0 || slice.Offset + slice.Count > slice.Total)
            throw new ArgumentOutOfRangeException(nameof(slice), slice, "a slice must lie inside its batch");
        var outer = current;
        current = slice;
        return new Exit(outer);
    }

    /// <summary>
    /// <paramref name="draw"/>(<paramref name="shape"/>), or, inside a scope whose slice has <c>shape[0]</c> samples,
    /// the slice of <paramref name="draw"/> of the global batch's shape.
    /// </summary>
    public static Tensor Draw(long[] shape, Func<long[], Tensor> draw)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(draw);
        if (current is not { } slice || shape.Length == 0 || shape[0] != slice.Count || slice.Count == slice.Total) return draw(shape);
        var global = (long[])shape.Clone();
        global[0] = slice.Total;
        using var whole = draw(global);
        return whole.narrow(0, slice.Offset, slice.Count).clone();
    }

    sealed class Exit(Slice? outer) : IDisposable
    {
        public void Dispose() => current = outer;
    }
}
