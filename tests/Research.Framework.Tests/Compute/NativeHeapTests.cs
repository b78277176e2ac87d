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
}
