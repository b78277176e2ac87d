using System.Text;

namespace Research.Framework.Text;

/// <summary>
/// A writer that writes everything to two writers (the console and a run's log.txt), so the run folder keeps what
/// the user saw. Thread-safe like <see cref="TextWriter.Synchronized"/>: the runner's lines and the trainer's may come
/// from different threads.
/// </summary>
public sealed class TeeWriter(TextWriter first, TextWriter second) : TextWriter
{
    readonly Lock gate = new();

    /// <inheritdoc />
    public override Encoding Encoding => first.Encoding;

    /// <inheritdoc />
    public override void Write(char value)
    {
        lock (gate)
        {
            first.Write(value);
            second.Write(value);
        }
    }

    /// <inheritdoc />
    public override void Write(string? value)
    {
        lock (gate)
        {
            first.Write(value);
            second.Write(value);
        }
    }

    /// <inheritdoc />
    public override void WriteLine(string? value)
    {
        lock (gate)
        {
            first.WriteLine(value);
            second.WriteLine(value);
        }
    }

    /// <inheritdoc />
    public override void Flush()
    {
        lock (gate)
        {
            first.Flush();
            second.Flush();
        }
    }
}
