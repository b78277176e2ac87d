using Research.Framework.Distributed;
using static TorchSharp.torch;

namespace Research.Framework.Tests.TestSupport;

/// <summary>
/// A world of ranks that are threads of the test process: each collective deposits every rank's buffer, meets at a
/// barrier, and combines the deposits in rank order (an independent implementation of the collectives' meaning, to
/// test the trainer's data parallelism without MPI).
/// </summary>
sealed class ThreadWorld
{
    readonly Barrier barrier;
    readonly Tensor?[] deposits;

    ThreadWorld(int size) => (barrier, deposits) = (new Barrier(size), new Tensor?[size]);

    /// <summary>One communicator per rank.</summary>
    public static ICommunicator[] Create(int size)
    {
        var world = new ThreadWorld(size);
        return Enumerable.Range(0, size).Select(rank => (ICommunicator)new Member(world, rank, size)).ToArray();
    }

    /// <summary>Runs <paramref name="body"/> on one thread per rank and returns their results in rank order.</summary>
    public static T[] Run<T>(ICommunicator[] ranks, Func<ICommunicator, T> body)
    {
        var results = new T[ranks.Length];
        var errors = new Exception?[ranks.Length];
        var threads = ranks.Select((rank, i) => new Thread(() =>
        {
            try { results[i] = body(rank); }
            catch (Exception error) { errors[i] = error; }
        })).ToArray();
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) thread.Join();
        if (errors.FirstOrDefault(e => e is not null) is { } failed) throw new AggregateException(failed);
        return results;
    }

    sealed class Member(ThreadWorld world, int rank, int size) : ICommunicator
    {
        public int Rank => rank;
        public int WorldSize => size;
        public string Description => "threads";

        public void AllReduce(Tensor buffer, ReduceOperation operation = ReduceOperation.Sum)
        {
            world.deposits[rank] = buffer.clone();
            world.barrier.SignalAndWait();
            using (var combined = world.deposits[0]!.clone())
            {
                for (int r = 1; r < size; r++)
                    if (operation == ReduceOperation.Sum) combined.add_(world.deposits[r]!);
                    else combined.copy_(combined.maximum(world.deposits[r]!));
                world.barrier.SignalAndWait();
                buffer.copy_(combined);
            }
            world.deposits[rank]!.Dispose();
            world.barrier.SignalAndWait();
        }

        public void Broadcast(Tensor buffer, int root = 0)
        {
            if (rank == root) world.deposits[root] = buffer.clone();
            world.barrier.SignalAndWait();
            if (rank != root) buffer.copy_(world.deposits[root]!);
            world.barrier.SignalAndWait();
            if (rank == root) world.deposits[root]!.Dispose();
        }

        public void Barrier(TimeSpan? timeout = null) => world.barrier.SignalAndWait();

        public void Dispose() { }
    }
}
