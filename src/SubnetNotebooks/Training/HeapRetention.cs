using System.Runtime.InteropServices;

namespace SubnetNotebooks.Training;

/// <summary>
/// Keeps freed tensor memory in the process on Linux (glibc): libtorch allocates every CPU activation and gradient with
/// malloc, and glibc's defaults hand blocks of a few MB back to the kernel (mmap'ed blocks, heap trimming) as soon as they
/// are freed, so each training step page-faults its activations in again. Measured on a 2-core AMD EPYC: an epoch of
/// SmallCnn 16-32-64 on 20,000 Fashion-MNIST images took 18.7 s with the defaults and 7.2 s with blocks up to 32 MB
/// served from the heap and no trimming below 1 GB (what MALLOC_MMAP_THRESHOLD_ and MALLOC_TRIM_THRESHOLD_ do when set
/// before a process starts; a notebook kernel is started by its front end, so the kit sets them with mallopt when it
/// loads). The process keeps its peak heap instead of returning it. SUBNET_MALLOC=system keeps glibc's defaults, as does
/// either MALLOC_ variable set by the user.
/// </summary>
public static class HeapRetention
{
    /// <summary>The kit's opt-out: set to "system" to keep glibc's allocator settings.</summary>
    public const string OptOut = "SUBNET_MALLOC";
    /// <summary>Blocks up to this size come from the heap (glibc's largest mmap threshold on 64-bit).</summary>
    public const int MmapThresholdBytes = 32 << 20;
    /// <summary>Free memory at the top of the heap is returned to the kernel only above this size.</summary>
    public const int TrimThresholdBytes = 1 << 30;

    const int M_TRIM_THRESHOLD = -1, M_MMAP_THRESHOLD = -3;

    /// <summary>True when <see cref="Apply"/> changed glibc's settings in this process.</summary>
    public static bool Applied { get; private set; }

    /// <summary>Whether to apply the settings: not when opted out or when the user set either MALLOC_ variable.</summary>
    /// <param name="environment">reads an environment variable (null when unset)</param>
    public static bool Wanted(Func<string, string?> environment) =>
        !string.Equals(environment(OptOut), "system", StringComparison.OrdinalIgnoreCase)
        && string.IsNullOrEmpty(environment("MALLOC_MMAP_THRESHOLD_"))
        && string.IsNullOrEmpty(environment("MALLOC_TRIM_THRESHOLD_"));

    /// <summary>Sets the two thresholds with mallopt when this is a glibc process and <see cref="Wanted"/> says so.</summary>
    internal static void Apply()
    {
        if (!OperatingSystem.IsLinux() || !Wanted(Environment.GetEnvironmentVariable)) return;
        try
        {
            Applied = mallopt(M_MMAP_THRESHOLD, MmapThresholdBytes) == 1 & mallopt(M_TRIM_THRESHOLD, TrimThresholdBytes) == 1;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            Applied = false; // not glibc (e.g. musl): its allocator has no such settings
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int mallopt(int param, int value);
}
