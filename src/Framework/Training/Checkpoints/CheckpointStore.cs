using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Research.Framework.Tracking;

namespace Research.Framework.Training.Checkpoints;

/// <summary>
/// A folder of checkpoints "step-00001000.ckpt". Each file is the payload followed by its SHA-256, written to a
/// temporary file, flushed to disk and renamed into place, so a crash leaves either the old set or the new file,
/// never a half-written checkpoint. Loading walks from the newest file back and skips (with a warning) any file
/// whose checksum does not match. Retention: the last <see cref="KeepLast"/> plus every step divisible by
/// <see cref="KeepEvery"/>.
/// </summary>
public sealed partial class CheckpointStore
{
    const int HashLength = 32;
    static readonly byte[] Magic = "RSCKPT01"u8.ToArray();

    /// <summary>Creates the store in <paramref name="folder"/> (created on first save).</summary>
    public CheckpointStore(string folder, int keepLast = 3, long keepEvery = 0, Action<string>? warn = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keepLast, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(keepEvery);
        Folder = folder;
        KeepLast = keepLast;
        KeepEvery = keepEvery;
        Warn = warn ?? (message => Console.Error.WriteLine($"warning: {message}"));
    }

    /// <summary>The checkpoint folder of a run folder.</summary>
    public static string FolderOf(string runDirectory) => new RunLayout(runDirectory).Checkpoints;

    /// <summary>Where the checkpoints live.</summary>
    public string Folder { get; }
    /// <summary>How many of the newest checkpoints are kept.</summary>
    public int KeepLast { get; }
    /// <summary>Checkpoints at multiples of this step are kept forever (0 = none).</summary>
    public long KeepEvery { get; }
    /// <summary>Where warnings about skipped checkpoints go.</summary>
    public Action<string> Warn { get; }

    /// <summary>Test seam: runs after the temporary file is complete and before it is renamed into place.</summary>
    internal Action<string>? BeforeRename { get; set; }

    /// <summary>Test hook: replaces the temporary file's stream (to fail a write as a full disk does).</summary>
    internal Func<string, Stream>? OpenTemporary { get; set; }

    /// <summary>The path of the checkpoint for <paramref name="step"/>.</summary>
    public string PathFor(long step) => Path.Combine(Folder, $"step-{step.ToString("D8", CultureInfo.InvariantCulture)}.ckpt");

    /// <summary>The steps that have a checkpoint file, oldest first (valid or not).</summary>
    public IReadOnlyList<long> Steps() => !Directory.Exists(Folder) ? [] :
        Directory.EnumerateFiles(Folder, "step-*.ckpt")
            .Select(path => StepPattern().Match(Path.GetFileName(path)))
            .Where(match => match.Success)
            .Select(match => long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture))
            .Order()
            .ToArray();

    /// <summary>Writes a checkpoint atomically, then applies the retention policy.</summary>
    public string Save(long step, Action<BinaryWriter> writePayload)
    {
        Directory.CreateDirectory(Folder);
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writePayload(writer);
        }
        var hash = SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));

        var path = PathFor(step);
        var temporary = path + ".tmp";
        try
        {
            using (var file = OpenTemporary?.Invoke(temporary) ?? new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                file.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
                file.Write(hash);
                if (file is FileStream disk) disk.Flush(flushToDisk: true); else file.Flush();
            }
        }
        catch (IOException error)
        {
            // A full disk or a failing device: the partial file goes (it would only hold the space), the complete
            // checkpoints stay, and the message says which one a resume will start from.
            try { File.Delete(temporary); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            var newest = Steps().LastOrDefault(-1);
            throw new IOException($"could not write checkpoint {Path.GetFileName(path)} to {Folder} ({error.Message}); " +
                (newest >= 0 ? $"the newest complete checkpoint is {Path.GetFileName(PathFor(newest))}." : "no earlier checkpoint exists."), error);
        }
        BeforeRename?.Invoke(temporary);
        File.Move(temporary, path, overwrite: true);
        Prune();
        return path;
    }

    /// <summary>
    /// Reads the newest checkpoint whose checksum is valid and whose payload <paramref name="read"/> accepts;
    /// returns false when there is none. Invalid files are reported through <see cref="Warn"/> and skipped.
    /// </summary>
    public bool TryLoadLatest<T>(Func<BinaryReader, T> read, out T value, out long step)
    {
        foreach (var candidate in Steps().Reverse())
        {
            var path = PathFor(candidate);
            var bytes = File.ReadAllBytes(path);
            if (!HasValidChecksum(bytes))
            {
                Warn($"checkpoint {path} is corrupt or truncated (checksum mismatch); using the previous one.");
                continue;
            }
            try
            {
                using var reader = new BinaryReader(new MemoryStream(bytes, Magic.Length, bytes.Length - Magic.Length - HashLength));
                value = read(reader);
                step = candidate;
                return true;
            }
            catch (Exception error) when (error is InvalidDataException or EndOfStreamException or IOException)
            {
                Warn($"checkpoint {path} could not be read ({error.Message}); using the previous one.");
            }
        }
        value = default!;
        step = -1;
        return false;
    }

    /// <summary>The newest step whose checkpoint file is complete (its checksum holds), or −1 when there is none.</summary>
    public long LatestIntactStep() => Steps().Reverse().Where(step => HasValidChecksum(File.ReadAllBytes(PathFor(step)))).DefaultIfEmpty(-1).First();

    static bool HasValidChecksum(byte[] bytes)
    {
        if (bytes.Length < Magic.Length + HashLength || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic)) return false;
        var expected = bytes.AsSpan(bytes.Length - HashLength);
        return SHA256.HashData(bytes.AsSpan(0, bytes.Length - HashLength)).AsSpan().SequenceEqual(expected);
    }

    void Prune()
    {
        var steps = Steps();
        foreach (var step in steps.Take(Math.Max(0, steps.Count - KeepLast)))
            if (KeepEvery == 0 || step % KeepEvery != 0)
                File.Delete(PathFor(step));
    }

    [GeneratedRegex(@"^step-(\d+)\.ckpt$")]
    private static partial Regex StepPattern();
}
