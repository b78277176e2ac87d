namespace Research.Framework.Compute;

/// <summary>
/// Keeps the native heap compact between the large, short-lived tensor buffers of a network's blocks.
/// <para>
/// Why: TorchSharp frees some native objects only in .NET finalizers, for example the <c>Scalar</c> it makes for a
/// number in <c>t + 1</c>. The managed heap is tiny, so the GC runs rarely and those small native chunks live on long
/// after their block. glibc places them inside the holes that a block's freed activations (12 MiB each in DiT-S/2 at
/// batch 32) leave, and the next block's buffers no longer fit there: the heap grew by ~80 MiB a block while its
/// free space grew alike (mallinfo2), and a DiT-S/2 no-grad forward peaked at 1.9–2.3 GiB against PyTorch's 0.67 GiB.
/// A gen-1 collection and the finalizers it queues, run before each block allocates, return those chunks into the
/// holes first: the same forward peaked at 0.77–0.98 GiB (bench-dit, 1.22–1.47× PyTorch), at no measurable cost (a
/// release took 0.1–0.2 ms of CPU time; a DiT-S/2 block takes hundreds of milliseconds, a small-DiT block tens). The
/// alternatives measured (bench-dit's s2/forward, one thread): glibc's own <c>M_MMAP_THRESHOLD</c> of 64 KiB–4 MiB
/// (every large buffer its own mmap) also reached 0.75 GiB but cost 25–30% more CPU time in page faults; a fixed
/// 32 MiB threshold left 1.8 GiB; <c>malloc_trim(0)</c> after each step only lowered the peak to 1.6 GiB, since the
/// growth happens within one pass. jemalloc can only be preloaded (LD_PRELOAD, a re-exec of the program), so it was
/// not pursued.
/// </para>
/// </summary>
public static class NativeHeap
{
    /// <summary>The environment variable that turns the release on (<c>RESEARCH_RELEASE_NATIVE_HEAP=1</c>).</summary>
    public const string Switch = "RESEARCH_RELEASE_NATIVE_HEAP";

    /// <summary>
    /// Whether the release is on: only when asked, for now. Measured at merge, the forced collections made TorchSharp
    /// 0.107's known race (a <c>Scalar</c> finalized while the native call it was made for still reads it,
    /// dotnet/TorchSharp#1434; see .ci/run) far more frequent: four flaky tests in one test run where one in several runs
    /// was usual, and an <c>sct-fashion-mnist</c> run killed at step 150 in <c>AdaLn.Modulate</c>'s <c>addcmul_</c>. A run
    /// that can die is worse than one that takes 3× PyTorch's memory, so the cure waits for a TorchSharp that keeps its
    /// Scalars alive through the call; until then it is there for memory-bound runs that accept the risk (bench-dit
    /// measures with it on).
    /// </summary>
    public static bool Enabled { get; } = Environment.GetEnvironmentVariable(Switch) == "1";

    /// <summary>
    /// The smallest buffer worth a release: 1 MiB (a small DiT's block tokens at batch 32 are 1–2 MiB, DiT-S/2's 12 MiB).
    /// Below it the holes are too small to matter, and every forced collection is one more chance for the race above.
    /// </summary>
    public const long WorthwhileBytes = 1L << 20;

    /// <summary>Whether buffers the size of <paramref name="activations"/> are large enough to be worth a release between them.</summary>
    public static bool IsLarge(TorchSharp.torch.Tensor activations) => activations.NumberOfElements * activations.ElementSize >= WorthwhileBytes;

    /// <summary>Whether the release is on and <see cref="IsLarge"/> holds for <paramref name="activations"/>.</summary>
    public static bool Worthwhile(TorchSharp.torch.Tensor activations) => Enabled && IsLarge(activations);

    /// <summary>
    /// Frees the native memory of unreachable TorchSharp objects now: a gen-1 collection (objects from this block and
    /// the last) and a wait for the finalizers it queued. Call it where large buffers have just been freed (a DiT block's
    /// dispose scope has ended), not in tight loops of small ops.
    /// </summary>
    public static void ReleaseUnreachable()
    {
        GC.Collect(1, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();
    }
}
