using Research.Framework.Runs;
using Xunit;

namespace Research.Framework.Tests.Runs;

public sealed class RunLockTests : IDisposable
{
    readonly string run = Directory.CreateTempSubdirectory("run-lock-").FullName;

    public void Dispose() => Directory.Delete(run, recursive: true);

    [Fact]
    public void AFolderIsAbandonedOnlyWhenItHasALockFileThatNoOneHolds()
    {
        Assert.False(RunLock.IsAbandoned(run));   // never locked: not for the probe to judge
        using (RunLock.Acquire(run))
        {
            Assert.False(RunLock.IsAbandoned(run));   // held (by another handle, as another process would)
            Assert.False(RunLock.IsAbandoned(run));   // the probe itself takes nothing that lasts
        }
        Assert.True(RunLock.IsAbandoned(run));        // the writer is gone, its lock file stays
        using (RunLock.Acquire(run))                  // and the probe never blocks the next writer
            Assert.False(RunLock.IsAbandoned(run));
    }
}
