using System.Text.Json;
using Research.Framework.Data;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Data;

/// <summary>An indexed set whose sample i is the value i (so batches show which indices were served).</summary>
sealed class RangeDataset(long count) : IIndexedDataset
{
    public long[] SampleShape => [1];
    public int? NumClasses => 3;
    public long Count => count;
    public Batch Gather(Tensor indices) => new(indices.to_type(ScalarType.Float64).unsqueeze(1), indices % 3);
}

public class BatchLoaderTests
{
    static long[] Indices(Batch batch) => TensorAssert.Values(batch.X).Select(v => (long)v).ToArray();

    static long[] Stream(BatchLoader loader, int batches) => Enumerable.Range(0, batches).SelectMany(_ => Indices(loader.Next())).ToArray();

    [Fact]
    public void EveryElementOnceInEachEpochIncludingAcrossBatchBoundaries()
    {
        using var scope = NewDisposeScope();
        using var loader = new BatchLoader(new RangeDataset(10), new BatchLoaderOptions { BatchSize = 4, Seed = 1 });
        var stream = Stream(loader, 10); // 40 samples = 4 epochs; batches straddle epoch ends
        for (int epoch = 0; epoch < 4; epoch++)
            Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), stream.Skip(epoch * 10).Take(10).Order());
        Assert.NotEqual(stream.Take(10), stream.Skip(10).Take(10)); // reshuffled each epoch
        Assert.NotEqual(Enumerable.Range(0, 10).Select(i => (long)i), stream.Take(10));
        Assert.Equal(4, loader.Epoch);
        Assert.Equal(0, loader.Index);
    }

    [Fact]
    public void SameSeedSameStreamOtherSeedOtherStream()
    {
        using var scope = NewDisposeScope();
        long[] Run(long seed, int global)
        {
            manual_seed(global);
            using var loader = new BatchLoader(new RangeDataset(50), new BatchLoaderOptions { BatchSize = 7, Seed = seed });
            return Stream(loader, 10);
        }
        Assert.Equal(Run(5, 1), Run(5, 2));
        Assert.NotEqual(Run(5, 1), Run(6, 1));
    }

    [Fact]
    public void RestoringAStateContinuesExactlyForIndexedSets()
    {
        using var scope = NewDisposeScope();
        var options = new BatchLoaderOptions { BatchSize = 4, Seed = 9 };
        using var original = new BatchLoader(new RangeDataset(10), options);
        Stream(original, 3);                                              // mid-epoch 1
        var json = JsonSerializer.Serialize(original.State);
        var expected = Stream(original, 8);

        using var resumed = new BatchLoader(new RangeDataset(10), options with { Seed = 0 });
        resumed.Restore(JsonSerializer.Deserialize<LoaderState>(json)!);
        Assert.Equal(expected, Stream(resumed, 8));
    }

    [Fact]
    public void RestoringAStateContinuesExactlyForProceduralSets()
    {
        using var scope = NewDisposeScope();
        var options = new BatchLoaderOptions { BatchSize = 16, Seed = 3, DType = ScalarType.Float64 };
        using var original = new BatchLoader(new EightGaussians(), options);
        original.Next();
        original.Next();
        var state = JsonSerializer.Deserialize<LoaderState>(JsonSerializer.Serialize(original.State))!;
        Assert.NotNull(state.GeneratorState);
        Assert.Equal(32, state.Index);
        var expected = Enumerable.Range(0, 3).Select(_ => original.Next()).ToArray();

        using var resumed = new BatchLoader(new EightGaussians(), options with { Seed = 77 });
        resumed.Restore(state);
        foreach (var batch in expected)
        {
            var next = resumed.Next();
            TensorAssert.Close(batch.X, next.X, 0);
            TensorAssert.Close(batch.Labels!, next.Labels!, 0);
        }
    }

    [Fact]
    public void BatchesComeInTheConfiguredDtypeWithLabels()
    {
        using var scope = NewDisposeScope();
        using var loader = new BatchLoader(new TwoMoons(), new BatchLoaderOptions { BatchSize = 5, DType = ScalarType.Float32 });
        var batch = loader.Next();
        Assert.Equal(new long[] { 5, 2 }, batch.X.shape);
        Assert.Equal(ScalarType.Float32, batch.X.dtype);
        Assert.Equal(ScalarType.Int64, batch.Labels!.dtype);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchLoader(new TwoMoons(), new BatchLoaderOptions { BatchSize = 0 }));
        Assert.Throws<ArgumentException>(() => new BatchLoader(new TwoMoons(), new BatchLoaderOptions { DType = ScalarType.Int64 }));
    }
}
