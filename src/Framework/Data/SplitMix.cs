namespace Research.Framework.Data;

/// <summary>SplitMix64 of a pair: well-separated 64-bit values for consecutive (seed, position) pairs, without a generator to store.</summary>
internal static class SplitMix
{
    /// <summary>Mix(Mix(seed) ^ position).</summary>
    public static ulong Of(long seed, long position) => Mix(Mix(unchecked((ulong)seed)) ^ unchecked((ulong)position));

    static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
