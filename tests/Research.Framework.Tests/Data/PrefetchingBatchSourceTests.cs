using Research.Framework.Data;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Data;

/// <summary>Prefetching changes when a batch is drawn, never which: the same stream and the same saved positions as the loader alone.</summary>
public sealed class PrefetchingBatchSourceTests
{
    static BatchLoader Loader() => new(new Checkerboard2D(), new BatchLoaderOptions { BatchSize = 32, Seed = 9 });

    static byte[] Bits(Batch batch) => batch.X.contiguous().bytes.ToArray();

    [Fact]
    public void ServesTheLoadersBatchesAndSavesTheLoadersPosition()
    {
        using var scope = NewDisposeScope();
        using var plain = Loader();
        using var inner = Loader();
        using var prefetching = new PrefetchingBatchSource(inner);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(Bits(plain.Next()), Bits(prefetching.Next()));
            Assert.Equal(plain.SaveState(), prefetching.SaveState());   // not the position after the batch in flight
        }
    }

    [Fact]
    public void RestoringContinuesWithTheBatchAfterTheSavedPosition()
    {
        using var scope = NewDisposeScope();
        string saved;
        byte[][] next;
        using (var inner = Loader())
        using (var first = new PrefetchingBatchSource(inner))
        {
            for (int i = 0; i < 3; i++) first.Next();
            saved = first.SaveState();
            next = [Bits(first.Next()), Bits(first.Next())];
        }
        using var freshInner = Loader();
        using var resumed = new PrefetchingBatchSource(freshInner);
        resumed.Next();   // a batch in flight when the position is restored is dropped
        resumed.RestoreState(saved);
        Assert.Equal(next, new[] { Bits(resumed.Next()), Bits(resumed.Next()) });
    }

    [Fact]
    public void OnlyProceduralSetsArePrefetched()
    {
        Assert.True(PrefetchingBatchSource.Helps(new Checkerboard2D()));
        using var scope = NewDisposeScope();
        Assert.False(PrefetchingBatchSource.Helps(new TensorDataset(zeros(4, 2))));
    }
}
