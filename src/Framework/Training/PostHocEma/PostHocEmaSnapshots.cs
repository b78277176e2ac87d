using System.Globalization;

namespace Research.Framework.Training.PostHocEma;

/// <summary>One saved power-function EMA profile: its σ_rel, the step it was saved at, and its file.</summary>
public sealed record PostHocEmaSnapshot(long Step, double Std, string Path);

/// <summary>
/// The snapshot files of a run's phema/ folder (<see cref="Tracking.RunLayout.PostHocEma"/>): one file per profile
/// and step, named <c>phema-&lt;step&gt;-&lt;σ_rel&gt;.bin</c>, holding a header (format, step, σ_rel) and the
/// track as <see cref="EmaTrack.Save"/> writes it. Files are written atomically (a .tmp renamed into place), so a
/// resume that passes the same step again replaces a snapshot with identical bytes; checkpoint retention never
/// looks into this folder.
/// </summary>
public static class PostHocEmaSnapshots
{
    const string Magic = "research-phema";
    const int FormatVersion = 1;

    /// <summary>The file name of the snapshot of σ_rel <paramref name="std"/> at <paramref name="step"/>.</summary>
    public static string FileName(long step, double std) =>
        $"phema-{step.ToString("D8", CultureInfo.InvariantCulture)}-{std.ToString("R", CultureInfo.InvariantCulture)}.bin";

    /// <summary>Saves every power-function track of <paramref name="tracks"/> (the others are skipped) as at <paramref name="step"/>.</summary>
    public static void Write(string folder, long step, IEnumerable<EmaTrack> tracks)
    {
        Directory.CreateDirectory(folder);
        foreach (var track in tracks)
        {
            if (track.Options.PowerStd is not { } std) continue;
            var path = Path.Combine(folder, FileName(step, std));
            var temporary = path + ".tmp";
            using (var writer = new BinaryWriter(File.Create(temporary)))
            {
                writer.Write(Magic);
                writer.Write(FormatVersion);
                writer.Write(step);
                writer.Write(std);
                track.Save(writer);
            }
            File.Move(temporary, path, overwrite: true);
        }
    }

    /// <summary>The snapshots in <paramref name="folder"/> by step, then σ_rel (none when the folder does not exist).</summary>
    public static IReadOnlyList<PostHocEmaSnapshot> List(string folder) => !Directory.Exists(folder) ? [] :
        [.. Directory.EnumerateFiles(folder, "phema-*.bin").Select(ReadHeader).OrderBy(s => s.Step).ThenBy(s => s.Std)];

    /// <summary>Reads the averaged tensors of <paramref name="snapshot"/>, one at a time (see <see cref="EmaTrack.ReadAverages"/>).</summary>
    public static void ReadAverages(PostHocEmaSnapshot snapshot, Action<int, string, TorchSharp.torch.Tensor> visit)
    {
        using var reader = Open(snapshot.Path, out _, out _);
        EmaTrack.ReadAverages(reader, visit);
    }

    static PostHocEmaSnapshot ReadHeader(string path)
    {
        using var reader = Open(path, out long step, out double std);
        return new PostHocEmaSnapshot(step, std, path);
    }

    static BinaryReader Open(string path, out long step, out double std)
    {
        var reader = new BinaryReader(File.OpenRead(path));
        try
        {
            if (reader.ReadString() != Magic) throw new InvalidDataException($"{path} is not a post-hoc EMA snapshot.");
            int version = reader.ReadInt32();
            if (version != FormatVersion) throw new InvalidDataException($"{path} is post-hoc EMA snapshot format {version}; this build reads format {FormatVersion}.");
            step = reader.ReadInt64();
            std = reader.ReadDouble();
            return reader;
        }
        catch (EndOfStreamException)
        {
            reader.Dispose();
            throw new InvalidDataException($"{path} is a truncated post-hoc EMA snapshot.");
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }
}
