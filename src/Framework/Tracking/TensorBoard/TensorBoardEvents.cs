namespace Research.Framework.Tracking.TensorBoard;

/// <summary>
/// Encodes the <c>tensorboard.Event</c> messages we write (field numbers from <c>event.proto</c> and
/// <c>summary.proto</c>): Event { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5 },
/// Summary { repeated Value value = 1 }, Value { string tag = 1; float simple_value = 2; Image image = 4 },
/// Image { int32 height = 1; int32 width = 2; int32 colorspace = 3; bytes encoded_image_string = 4 }.
/// </summary>
internal static class TensorBoardEvents
{
    /// <summary>The version TensorBoard expects in the first record of every file.</summary>
    public const string FileVersion = "brain.Event:2";

    /// <summary>The file_version event that must open the file.</summary>
    public static byte[] Version(double wallTime) => new ProtobufWriter().Double(1, wallTime).String(3, FileVersion).ToArray();

    /// <summary>One event with a legacy <c>simple_value</c> per scalar.</summary>
    public static byte[] Scalars(double wallTime, long step, IEnumerable<KeyValuePair<string, double>> scalars) =>
        Summary(wallTime, step, summary =>
        {
            foreach (var (tag, value) in scalars)
                summary.Message(1, v => v.String(1, tag).Float(2, (float)value));
        });

    /// <summary>One event with an image summary holding the PNG as is.</summary>
    public static byte[] Image(double wallTime, long step, string tag, byte[] png)
    {
        var header = PngHeader.Read(png);
        return Summary(wallTime, step, summary => summary.Message(1, v => v.String(1, tag).Message(4, image => image
            .Int(1, header.Height).Int(2, header.Width).Int(3, header.Channels).Bytes(4, png))));
    }

    static byte[] Summary(double wallTime, long step, Action<ProtobufWriter> values) =>
        new ProtobufWriter().Double(1, wallTime).Int(2, step).Message(5, values).ToArray();
}
