using System.Text;
using Research.Framework.Tracking;
using Research.Framework.Tracking.TensorBoard;
using Xunit;

namespace Research.Framework.Tests.Tracking.TensorBoard;

public sealed class TensorBoardTrackerTests : IDisposable
{
    readonly string run = Directory.CreateTempSubdirectory("tensorboard-").FullName;

    public void Dispose() => Directory.Delete(run, recursive: true);

    [Fact]
    public void EncodesAScalarEventToTheExactProtobufBytes()
    {
        var bytes = TensorBoardEvents.Scalars(1.5, 3, [KeyValuePair.Create("a", 2.0)]);
        // Event{wall_time=1.5 (field 1, fixed64), step=3 (field 2), summary (field 5){value (1){tag "a" (1), simple_value 2f (2)}}}
        Assert.Equal(Convert.FromHexString("09000000000000F83F" + "1003" + "2A0A" + "0A08" + "0A0161" + "1500000040"), bytes);
    }

    [Fact]
    public void WritesFramedRecordsThatStartWithTheFileVersion()
    {
        var png = TestPng.Create(5, 7, colorType: 6);
        var tracker = new TensorBoardTracker(run);
        tracker.Log(new Dictionary<string, double> { ["loss"] = 0.25, ["lr"] = 1e-3 }, 12_345_678_901);
        tracker.LogImage("samples", png, 7);
        tracker.SetSummary("eval/swd", 0.5);
        tracker.Finish(0);

        var file = Assert.Single(Directory.GetFiles(run));
        Assert.Matches(@"^events\.out\.tfevents\.\d{10}\.[A-Za-z0-9_-]+$", Path.GetFileName(file));
        Assert.Equal(tracker.FilePath, file);
        var records = TfEventsReader.Records(file); // throws on any bad CRC
        Assert.Equal(4, records.Count);

        Assert.Equal("brain.Event:2", Encoding.UTF8.GetString((byte[])TfEventsReader.One(records[0], 3)));
        var wallTime = BitConverter.UInt64BitsToDouble((ulong)TfEventsReader.One(records[0], 1));
        Assert.InRange(wallTime, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 3600, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 3600);

        Assert.Equal(12_345_678_901UL, (ulong)TfEventsReader.One(records[1], 2));
        var values = TfEventsReader.Fields((byte[])TfEventsReader.One(records[1], 5)).Select(f => (byte[])f.Value).ToList();
        Assert.Equal([("loss", 0.25f), ("lr", 1e-3f)], values.Select(v =>
            (Encoding.UTF8.GetString((byte[])TfEventsReader.One(v, 1)), BitConverter.UInt32BitsToSingle((uint)(ulong)TfEventsReader.One(v, 2)))));

        Assert.Equal(7UL, (ulong)TfEventsReader.One(records[2], 2));
        var imageValue = (byte[])TfEventsReader.One((byte[])TfEventsReader.One(records[2], 5), 1);
        Assert.Equal("samples", Encoding.UTF8.GetString((byte[])TfEventsReader.One(imageValue, 1)));
        var image = (byte[])TfEventsReader.One(imageValue, 4);
        Assert.Equal((7UL, 5UL, 4UL), ((ulong)TfEventsReader.One(image, 1), (ulong)TfEventsReader.One(image, 2), (ulong)TfEventsReader.One(image, 3)));
        Assert.Equal(png, (byte[])TfEventsReader.One(image, 4));

        Assert.Equal(12_345_678_901UL, (ulong)TfEventsReader.One(records[3], 2)); // the summary lands at the last logged step
    }
}
