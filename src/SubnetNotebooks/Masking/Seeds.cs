namespace SubnetNotebooks.Masking;

/// <summary>Derives independent 32-bit seeds for System.Random from a 64-bit seed and a purpose tag (SplitMix64).</summary>
internal static class Seeds
{
    /// <summary>A deterministic seed for one purpose of one run.</summary>
    public static int Mix(long seed, long purpose)
    {
        unchecked
        {
            var z = (ulong)seed + 0x9E3779B97F4A7C15UL * (ulong)(purpose + 1);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (int)(z & 0x7FFFFFFF);
        }
    }
}
