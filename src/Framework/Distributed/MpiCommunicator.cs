using System.Diagnostics;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Distributed;

/// <summary>
/// The world of an MPI launch (mpirun, srun with PMIx, mpiexec) over Open MPI's C library. Every collective is
/// started non-blocking (MPI_Iallreduce, MPI_Ibcast, MPI_Ibarrier) and polled with MPI_Test against a deadline, so a rank
/// that died or hangs makes the others fail with a <see cref="CollectiveTimeoutException"/> instead of waiting forever;
/// after one, <see cref="Dispose"/> calls MPI_Abort, which ends every rank of the job (MPI_Finalize would wait for the
/// lost one). Polling yields the core for the first milliseconds and then sleeps 1 ms between tests: a waiting rank
/// must not take the core of a rank it waits for.
/// </summary>
public sealed class MpiCommunicator : ICommunicator
{
    /// <summary>MPI counts are C ints: a longer buffer goes in pieces.</summary>
    const int MaxCount = int.MaxValue / 8;

    readonly IntPtr world, float32, float64, int64, sum, max;
    readonly TimeSpan timeout;
    bool broken, disposed;
    int abortCode = 1;

    MpiCommunicator(IntPtr library, TimeSpan timeout)
    {
        this.timeout = timeout;
        world = Export(library, "ompi_mpi_comm_world");
        float32 = Export(library, "ompi_mpi_float");
        float64 = Export(library, "ompi_mpi_double");
        int64 = Export(library, "ompi_mpi_int64_t");
        sum = Export(library, "ompi_mpi_op_sum");
        max = Export(library, "ompi_mpi_op_max");
        Check(MpiNative.MPI_Initialized(out int initialized), "MPI_Initialized");
        if (initialized == 0) Check(MpiNative.MPI_Init_thread(IntPtr.Zero, IntPtr.Zero, MpiNative.ThreadSerialized, out _), "MPI_Init_thread");
        Check(MpiNative.MPI_Comm_rank(world, out int rank), "MPI_Comm_rank");
        Check(MpiNative.MPI_Comm_size(world, out int size), "MPI_Comm_size");
        (Rank, WorldSize) = (rank, size);
    }

    /// <summary>
    /// Joins the world the launcher started (MPI_Init_thread). No loadable libmpi is a
    /// <see cref="DistributedLaunchException"/> naming the Debian packages; a library that is not Open MPI's too.
    /// </summary>
    public static MpiCommunicator Join(LaunchEnvironment launch, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var library = MpiNative.Open(out string? error);
        if (library == IntPtr.Zero)
            throw new DistributedLaunchException($"{launch.Launcher} started {launch.WorldSize} processes, but this one cannot load the MPI library " +
                $"{MpiNative.Library} ({error}). Install Open MPI (Debian: apt-get install {MpiNative.DebianPackages}) or start one process without the launcher.");
        var communicator = new MpiCommunicator(library, timeout);
        if (communicator.WorldSize != launch.WorldSize)
            throw new DistributedLaunchException($"{launch.Launcher} announced {launch.WorldSize} processes but MPI_COMM_WORLD has {communicator.WorldSize}: " +
                "the launcher and the MPI library do not belong together (an srun without --mpi=pmix for Open MPI?).");
        return communicator;
    }

    /// <inheritdoc />
    public int Rank { get; }

    /// <inheritdoc />
    public int WorldSize { get; }

    /// <inheritdoc />
    public string Description => $"Open MPI, rank {Rank} of {WorldSize}, collectives time out after {timeout.TotalSeconds:0} s";

    /// <inheritdoc />
    public void AllReduce(Tensor buffer, ReduceOperation operation = ReduceOperation.Sum)
    {
        var op = operation == ReduceOperation.Sum ? sum : max;
        ForEachPiece(buffer, "MPI_Iallreduce", (address, count, type) =>
        {
            Check(MpiNative.MPI_Iallreduce(MpiNative.InPlace, address, count, type, op, world, out var request), "MPI_Iallreduce");
            return request;
        });
    }

    /// <inheritdoc />
    public void Broadcast(Tensor buffer, int root = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(root);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(root, WorldSize);
        ForEachPiece(buffer, "MPI_Ibcast", (address, count, type) =>
        {
            Check(MpiNative.MPI_Ibcast(address, count, type, root, world, out var request), "MPI_Ibcast");
            return request;
        });
    }

    /// <inheritdoc />
    public void Barrier(TimeSpan? timeout = null)
    {
        Usable();
        Check(MpiNative.MPI_Ibarrier(world, out var request), "MPI_Ibarrier");
        Wait(request, "MPI_Ibarrier", timeout ?? this.timeout);
    }

    /// <summary>Starts one collective per piece of at most <see cref="MaxCount"/> elements and waits for each.</summary>
    void ForEachPiece(Tensor buffer, string call, Func<IntPtr, int, IntPtr, IntPtr> start)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        Usable();
        if (buffer.device_type != DeviceType.CPU || !buffer.is_contiguous())
            throw new ArgumentException($"{call} needs a contiguous CPU tensor; got one on {buffer.device} (contiguous: {buffer.is_contiguous()}).", nameof(buffer));
        var (type, size) = buffer.dtype switch
        {
            ScalarType.Float32 => (float32, 4),
            ScalarType.Float64 => (float64, 8),
            ScalarType.Int64 => (int64, 8),
            _ => throw new ArgumentException($"{call} takes float32, float64 or int64 buffers; got {buffer.dtype}.", nameof(buffer)),
        };
        long count = buffer.numel();
        if (count == 0) return;
        var address = MpiNative.THSTensor_data(buffer.Handle);
        for (long done = 0; done < count; done += MaxCount)
        {
            int piece = (int)Math.Min(MaxCount, count - done);
            Wait(start(address + (nint)(done * size), piece, type), call, timeout);
        }
    }

    /// <summary>Polls <paramref name="request"/> until it completes or the timeout passes.</summary>
    void Wait(IntPtr request, string call, TimeSpan limit)
    {
        bool timed = limit != Timeout.InfiniteTimeSpan;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Check(MpiNative.MPI_Test(ref request, out int done, IntPtr.Zero), "MPI_Test");
            if (done != 0) return;
            if (timed && clock.Elapsed > limit)
            {
                broken = true;
                var message = $"rank {Rank} of {WorldSize}: {call} did not complete within {limit.TotalSeconds:0} s; another rank died or hangs. " +
                    "Stopping every rank (MPI_Abort); the last checkpoint is intact and the run resumes from it.";
                Console.Error.WriteLine($"error: {message}");
                throw new CollectiveTimeoutException(message);
            }
            if (clock.ElapsedMilliseconds < 5) Thread.Yield();
            else Thread.Sleep(clock.ElapsedMilliseconds < 1000 ? 1 : 10);   // a long wait (rank 0 evaluating) costs no core
        }
    }

    void Usable()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (broken) throw new CollectiveTimeoutException($"rank {Rank}: an earlier collective timed out; the world is broken.");
    }

    static IntPtr Export(IntPtr library, string name) =>
        NativeLibrary.TryGetExport(library, name, out var address) ? address
            : throw new DistributedLaunchException($"{MpiNative.Library} has no symbol {name}: it is not Open MPI's library (the binding reads Open MPI's handles). " +
                $"Install Open MPI (Debian: apt-get install {MpiNative.DebianPackages}).");

    static void Check(int code, string call)
    {
        // Open MPI's default handler (MPI_ERRORS_ARE_FATAL) aborts before an error code comes back; this is for other handlers.
        if (code != 0) throw new InvalidOperationException($"{call} failed with MPI error code {code}.");
    }

    /// <summary>
    /// Marks this rank as failed (an exception it cannot recover from): <see cref="Dispose"/> then ends the job with
    /// MPI_Abort instead of waiting in MPI_Finalize for ranks that wait for this one.
    /// </summary>
    public void Abandon(int exitCode = 1) => (broken, abortCode) = (true, exitCode);

    /// <summary>MPI_Finalize after a clean run; MPI_Abort (ending every rank) after a timed-out collective or <see cref="Abandon"/>.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        if (MpiNative.MPI_Finalized(out int finalized) == 0 && finalized != 0) return;
        if (broken) MpiNative.MPI_Abort(world, abortCode);
        else MpiNative.MPI_Finalize();
    }
}
