using static TorchSharp.torch;

namespace Research.Framework.Compute;

/// <summary>
/// libtorch's intra-op thread count. By default libtorch takes every core, and two such processes on one machine (or
/// one beside other work) ran a toy run 5–20× slower than with one thread each: a run sets the count deliberately.
/// </summary>
public static class IntraOpThreads
{
    static int? processDefault;

    /// <summary>
    /// The count a run without <c>--Threads</c> uses: the cores available to this process (affinity and container
    /// limits included). Sweep workers are processes (a sweep with one worker runs its trials one at a time in its own
    /// process, with every core); a <c>sweep-worker</c> process, one of several on a machine, is set to 1
    /// (<see cref="SetProcessDefault"/>).
    /// </summary>
    public static int Default => processDefault ?? Math.Max(1, Environment.ProcessorCount);

    /// <summary>Sets the default of runs in this process (a sweep-worker process: 1).</summary>
    public static void SetProcessDefault(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        processDefault = threads;
    }

    /// <summary>Applies <paramref name="threads"/> to libtorch (before the run's tensor work).</summary>
    public static void Apply(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (get_num_threads() != threads) set_num_threads(threads);
    }
}
