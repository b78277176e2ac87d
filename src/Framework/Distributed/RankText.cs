using System.Text;
using static TorchSharp.torch;

namespace Research.Framework.Distributed;

/// <summary>Text that rank 0 decides and every rank needs (the run folder's path): its length, then its UTF-8 bytes.</summary>
public static class RankText
{
    /// <summary>Rank 0's <paramref name="text"/> on every rank (the others pass null).</summary>
    public static string Broadcast(ICommunicator world, string? text)
    {
        ArgumentNullException.ThrowIfNull(world);
        if (world.Rank == 0) ArgumentNullException.ThrowIfNull(text);
        var bytes = world.Rank == 0 ? Encoding.UTF8.GetBytes(text!) : [];
        using var length = tensor(new long[] { bytes.LongLength });
        world.Broadcast(length);
        // int64 words carry the bytes: the collectives take float and int64 buffers.
        var words = new long[(length.item<long>() + 7) / 8];
        Buffer.BlockCopy(bytes, 0, words, 0, bytes.Length);
        using var buffer = tensor(words);
        world.Broadcast(buffer);
        var received = new byte[length.item<long>()];
        Buffer.BlockCopy(buffer.data<long>().ToArray(), 0, received, 0, received.Length);
        return Encoding.UTF8.GetString(received);
    }
}
