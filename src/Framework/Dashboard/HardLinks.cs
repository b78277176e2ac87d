using System.Runtime.InteropServices;

namespace Research.Framework.Dashboard;

/// <summary>
/// How many names (hard links) a file has. A file inside a run folder with a second name may be the same inode as a
/// file anywhere else on the file system (a link planted into the folder), which no path check can see; the run's own
/// files are written fresh (or renamed into place) and always have one. Linux only, through <c>statx</c>, whose
/// structure is the same on every architecture; elsewhere the count is unknown.
/// </summary>
internal static class HardLinks
{
    const int AtFdCwd = -100;
    const int AtSymlinkNoFollow = 0x100;
    const uint StatxNlink = 0x4;
    const int StatxSize = 256;
    const int NlinkOffset = 16;   // struct statx: u32 stx_mask, u32 stx_blksize, u64 stx_attributes, u32 stx_nlink

    /// <summary>The link count of <paramref name="path"/> (not following a final symbolic link), or null when it cannot be read here.</summary>
    public static uint? Count(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        var buffer = new byte[StatxSize];
        try
        {
            if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxNlink, buffer) != 0) return null;
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;   // a C library without statx (glibc before 2.28, some others)
        }
        // The kernel fills the structure in the machine's byte order; stx_mask says whether it filled the count.
        return (BitConverter.ToUInt32(buffer, 0) & StatxNlink) == 0 ? null : BitConverter.ToUInt32(buffer, NlinkOffset);
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    static extern int Statx(int directory, string path, int flags, uint mask, byte[] buffer);
}
