using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Data;

/// <summary>
/// An infinite, seeded stream of batches over an <see cref="IIndexedDataset"/> (shuffled epochs: every sample
/// exactly once per epoch; a batch that crosses an epoch end takes the rest of one epoch and the start of the
/// next, so nothing is dropped) or an <see cref="ISampledDataset"/> (i.i.d. draws from one generator). Its
/// position is a <see cref="LoaderState"/>, so a resumed run continues the data stream exactly instead of replaying
/// epoch 0 as the reference does. Epoch e's permutation is randperm(N) from a generator seeded with a hash of
/// (seed, e), so it needs no stored generator state. An <see cref="IStreamingDataset"/> is told each batch's stream
/// position and, after each batch, the indices of the next one, to read ahead.
/// </summary>
public sealed class BatchLoader : IBatchSource, IDisposable
{
    private readonly IDataset data;
    private readonly Generator? sampler;
    private long[]? permutation;
    private long permutationEpoch = -1;
    private long[]? previous;
    private long previousEpoch = -1;

    /// <summary>A loader over <paramref name="data"/> (indexed or procedural) at the start of epoch 0.</summary>
    public BatchLoader(IDataset data, BatchLoaderOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        if (options.BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "BatchSize must be positive");
        if (options.DType is not (ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64)) throw new ArgumentException($"DType must be a floating type, got {options.DType}", nameof(options));
        this.data = data;
        Options = options;
        Seed = options.Seed;
        switch (data)
        {
            case IIndexedDataset indexed:
                if (indexed.Count <= 0) throw new ArgumentException("the data set is empty", nameof(data));
                break;
            case ISampledDataset:
                sampler = new Generator(unchecked((ulong)options.Seed));
                break;
            default:
                throw new ArgumentException($"{data.GetType().Name} is neither an {nameof(IIndexedDataset)} nor an {nameof(ISampledDataset)}", nameof(data));
        }
    }

    /// <summary>The options (batch size, device, dtype).</summary>
    public BatchLoaderOptions Options { get; }

    /// <summary>The data set served.</summary>
    public IDataset Data => data;

    /// <summary>The seed in use (the options' seed until a state is restored).</summary>
    public long Seed { get; private set; }

    /// <summary>The current epoch (always 0 for procedural sets).</summary>
    public long Epoch { get; private set; }

    /// <summary>The position in the epoch (procedural sets: samples drawn).</summary>
    public long Index { get; private set; }

    /// <inheritdoc />
    public string SaveState() => System.Text.Json.JsonSerializer.Serialize(State);

    /// <inheritdoc />
    public void RestoreState(string state) =>
        Restore(System.Text.Json.JsonSerializer.Deserialize<LoaderState>(state) ?? throw new InvalidDataException("The saved loader state is empty."));

    /// <summary>The position, for a checkpoint.</summary>
    public LoaderState State => new(Seed, Epoch, Index, sampler is null ? null : StateBytes(sampler));

    /// <summary>Moves to a saved position: the next batches are exactly those that followed it.</summary>
    public void Restore(LoaderState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Epoch < 0 || state.Index < 0) throw new ArgumentException("epoch and index must be non-negative", nameof(state));
        if (sampler is not null)
        {
            if (state.GeneratorState is null) throw new ArgumentException("a procedural data set's state needs the generator state", nameof(state));
            using var bytes = tensor(state.GeneratorState, ScalarType.Byte);
            sampler.set_state(bytes);
        }
        else if (state.Index >= ((IIndexedDataset)data).Count)
        {
            throw new ArgumentException($"index {state.Index} is past the end of the data set ({((IIndexedDataset)data).Count})", nameof(state));
        }
        Seed = state.Seed;
        Epoch = state.Epoch;
        Index = state.Index;
        permutationEpoch = previousEpoch = -1;
    }

    /// <summary>The next batch: X (B, SampleShape...) in the configured dtype and device, labels int64 or null.</summary>
    public Batch Next()
    {
        using var scope = NewDisposeScope();
        var batch = sampler is not null ? ((ISampledDataset)data).Sample(Options.BatchSize, sampler) : NextIndexed((IIndexedDataset)data);
        if (sampler is not null) Index += Options.BatchSize;
        var device = Options.Device ?? CPU;
        var x = batch.X.to(Options.DType, device).MoveToOuterDisposeScope();
        var labels = batch.Labels?.to(device).MoveToOuterDisposeScope();
        // The encoder's images stay float32 (the representation encoder's own precision), on the batch's device.
        var encoderInput = batch.EncoderInput?.to(device).MoveToOuterDisposeScope();
        return new Batch(x, labels) { EncoderInput = encoderInput };
    }

    private Batch NextIndexed(IIndexedDataset indexed)
    {
        long n = indexed.Count;
        var at = new StreamPosition(Seed, Epoch * n + Index);
        var indices = TakeIndices(n);
        if (indexed is not IStreamingDataset streaming) return indexed.Gather(tensor(indices, ScalarType.Int64));
        var batch = streaming.Gather(indices, at);
        // The batch after this one, read ahead while the caller trains on this one; the position is left unchanged.
        var (epoch, index) = (Epoch, Index);
        var next = new StreamPosition(Seed, Epoch * n + Index);
        streaming.Prefetch(TakeIndices(n), next);
        (Epoch, Index) = (epoch, index);
        return batch;
    }

    /// <summary>The next batch's sample indices in the seeded epoch order, advancing the position past them.</summary>
    private long[] TakeIndices(long n)
    {
        var indices = new long[Options.BatchSize];
        for (int filled = 0; filled < indices.Length;)
        {
            var order = Permutation(n);
            int take = (int)Math.Min(indices.Length - filled, n - Index);
            Array.Copy(order, Index, indices, filled, take);
            filled += take;
            Index += take;
            if (Index == n) { Epoch++; Index = 0; }
        }
        return indices;
    }

    private long[] Permutation(long n)
    {
        if (permutationEpoch == Epoch && permutation is not null) return permutation;
        // Reading ahead across an epoch's end asks for the next epoch's order and then this one's again: keep both.
        if (previousEpoch == Epoch && previous is not null)
        {
            (permutation, previous) = (previous, permutation);
            (permutationEpoch, previousEpoch) = (previousEpoch, permutationEpoch);
            return permutation;
        }
        using var generator = new Generator(EpochSeed(Seed, Epoch));
        using var order = randperm(n, generator: generator, dtype: ScalarType.Int64);
        (previous, previousEpoch) = (permutation, permutationEpoch);
        permutation = order.data<long>().ToArray();
        permutationEpoch = Epoch;
        return permutation;
    }

    /// <summary>SplitMix64 of (seed, epoch): well-separated generator seeds for consecutive epochs and seeds.</summary>
    internal static ulong EpochSeed(long seed, long epoch) => SplitMix.Of(seed, epoch);

    private static byte[] StateBytes(Generator generator)
    {
        using var state = generator.get_state();
        return state.data<byte>().ToArray();
    }

    /// <inheritdoc />
    public void Dispose() => sampler?.Dispose();
}
