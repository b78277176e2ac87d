using System.Runtime.CompilerServices;
using Research.Framework.Compute;
using Xunit;

namespace Research.Framework.Tests.Compute;

/// <summary>
/// <see cref="NativeHeap.ReleaseUnreachable"/> must have run the finalizers of objects that became unreachable before it
/// returns: that is what frees TorchSharp's finalizer-only native memory (the Scalar made for a number in <c>t + 1</c>)
/// before the next DiT block allocates. A collection without the wait would leave most of them pending.
/// </summary>
public class NativeHeapTests
{
    sealed class Finalizable(StrongBox<int> finalized)
    {
        ~Finalizable() => Interlocked.Increment(ref finalized.Value);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static void Abandon(StrongBox<int> finalized, int count)
    {
        for (int i = 0; i < count; i++) _ = new Finalizable(finalized);
    }

    [Fact]
    public void UnreachableObjectsAreFinalizedWhenItReturns()
    {
        var finalized = new StrongBox<int>();
        Abandon(finalized, 100);
        NativeHeap.ReleaseUnreachable();
        Assert.Equal(100, Volatile.Read(ref finalized.Value));
    }

    [Fact]
    public void OnlyBuffersOfAMebibyteOrMoreAreWorthARelease()
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        Assert.True(NativeHeap.IsLarge(TorchSharp.torch.zeros(262_144)));        // 1 MiB of float32
        Assert.False(NativeHeap.IsLarge(TorchSharp.torch.zeros(262_143)));
        Assert.True(NativeHeap.IsLarge(TorchSharp.torch.zeros(131_072, dtype: TorchSharp.torch.ScalarType.Float64)));
        Assert.False(NativeHeap.IsLarge(TorchSharp.torch.zeros(131_072, dtype: TorchSharp.torch.ScalarType.BFloat16)));
    }

    [Fact]
    public void TheReleaseIsOffUnlessTheEnvironmentAsksForIt()
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        bool asked = Environment.GetEnvironmentVariable(NativeHeap.Switch) == "1";
        Assert.Equal(asked, NativeHeap.Enabled);
        Assert.Equal(asked, NativeHeap.Worthwhile(TorchSharp.torch.zeros(1 << 20)));
    }
}
