using Research.Framework.Training.Checkpoints;
using Xunit;

namespace Research.Framework.Tests.Training.Checkpoints;

public sealed class CheckpointStoreTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("checkpoints-").FullName;
    readonly List<string> warnings = [];

    public void Dispose() => Directory.Delete(folder, recursive: true);

    CheckpointStore Store(int keepLast = 3, long keepEvery = 0) => new(folder, keepLast, keepEvery, warnings.Add);

    static Action<BinaryWriter> Payload(long value) => writer => writer.Write(value);

    static long Latest(CheckpointStore store) => store.TryLoadLatest(reader => reader.ReadInt64(), out var value, out _) ? value : -1;

    [Fact]
    public void RoundTripsThePayloadOfTheNewestCheckpoint()
    {
        var store = Store();
        store.Save(10, Payload(100));
        store.Save(20, Payload(200));
        Assert.True(store.TryLoadLatest(reader => reader.ReadInt64(), out var value, out var step));
        Assert.Equal((200L, 20L), (value, step));
        Assert.Empty(warnings);
    }

    [Fact]
    public void ACrashBetweenWriteAndRenameLeavesThePreviousCheckpoint()
    {
        var store = Store();
        store.Save(10, Payload(100));
        store.BeforeRename = _ => throw new IOException("simulated crash");

        Assert.Throws<IOException>(() => store.Save(20, Payload(200)));

        Assert.False(File.Exists(store.PathFor(20)));
        Assert.True(File.Exists(store.PathFor(20) + ".tmp")); // the half-finished file never took the real name
        Assert.Equal(100, Latest(Store()));
    }

    /// <summary>A stream that takes a few bytes and then fails as a full disk does.</summary>
    sealed class FullDisk(string path, int room) : FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None)
    {
        public override void Write(byte[] buffer, int offset, int count)
        {
            if (Position + count > room) throw new IOException("No space left on device");
            base.Write(buffer, offset, count);
        }
    }

    [Fact]
    public void AFullDiskLeavesNoPartialFileAndNamesTheCheckpointAResumeStartsFrom()
    {
        var store = Store();
        store.Save(10, Payload(100));
        store.OpenTemporary = path => new FullDisk(path, room: 4);

        var error = Assert.Throws<IOException>(() => store.Save(20, Payload(200)));

        Assert.Contains("No space left on device", error.Message);
        Assert.Contains("the newest complete checkpoint is step-00000010.ckpt", error.Message);
        Assert.False(File.Exists(store.PathFor(20) + ".tmp"));   // the partial file does not keep holding the space
        Assert.False(File.Exists(store.PathFor(20)));
        Assert.Equal(100, Latest(Store()));
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("truncate")]
    public void ACorruptNewestCheckpointIsSkippedWithAWarning(string damage)
    {
        var store = Store();
        store.Save(10, Payload(100));
        var newest = store.Save(20, Payload(200));
        var bytes = File.ReadAllBytes(newest);
        if (damage == "flip") bytes[12] ^= 0xFF;
        else bytes = bytes[..^5];
        File.WriteAllBytes(newest, bytes);

        Assert.Equal(100, Latest(store));
        Assert.Contains(warnings, w => w.Contains(newest) && w.Contains("checksum"));
    }

    [Fact]
    public void KeepsTheLastKPlusEveryPth()
    {
        var store = Store(keepLast: 2, keepEvery: 30);
        foreach (var step in new long[] { 10, 20, 30, 40, 50, 60, 70 }) store.Save(step, Payload(step));
        Assert.Equal(new long[] { 30, 60, 70 }, store.Steps());
    }

    [Fact]
    public void AnEmptyFolderHasNoCheckpoint() => Assert.Equal(-1, Latest(Store()));
}
