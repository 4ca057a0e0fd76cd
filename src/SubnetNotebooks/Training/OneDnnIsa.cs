using System.Runtime.InteropServices;

namespace SubnetNotebooks.Training;

/// <summary>
/// Caps the instruction set of oneDNN (libtorch's CPU kernel library) at AVX on CPUs with AVX-512. Measured on a 2-core
/// AMD EPYC with AVX-512: with libtorch 2.10's AVX-512 kernels the input gradient of a 3x3 convolution is wrong (errors
/// of about 3, sometimes NaN) for small channel counts, so convolutional networks silently diverge; with the cap at
/// AVX2 a two-epoch SmallCnn run still differs from the same run at AVX or SSE4.1 by 0.05 in its weights, while AVX and
/// SSE4.1 agree with each other and with grouped execution within 1e-4. The cap is set before libtorch loads, only when
/// neither ONEDNN_MAX_CPU_ISA nor DNNL_MAX_CPU_ISA is set; SUBNET_ONEDNN_ISA=native keeps oneDNN's own choice and
/// SUBNET_ONEDNN_ISA=NAME sets another cap.
/// </summary>
public static class OneDnnIsa
{
    /// <summary>oneDNN's variable for the highest instruction set it may use.</summary>
    public const string Variable = "ONEDNN_MAX_CPU_ISA";
    /// <summary>The kit's opt-out: set to "native" to keep oneDNN's own choice.</summary>
    public const string OptOut = "SUBNET_ONEDNN_ISA";

    /// <summary>The cap applied by <see cref="Apply"/> in this process, or null when none was.</summary>
    public static string? Applied { get; private set; }

    /// <summary>
    /// The instruction-set cap to apply, or null: "AVX" when the CPU flags include avx512f and no cap or opt-out is set.
    /// </summary>
    /// <param name="cpuFlags">the "flags" words of /proc/cpuinfo</param>
    /// <param name="environment">reads an environment variable (null when unset)</param>
    public static string? Choose(IEnumerable<string> cpuFlags, Func<string, string?> environment)
    {
        var optOut = environment(OptOut);
        if (!string.IsNullOrEmpty(optOut))
            return string.Equals(optOut, "native", StringComparison.OrdinalIgnoreCase) ? null : optOut.ToUpperInvariant();
        if (!string.IsNullOrEmpty(environment(Variable)) || !string.IsNullOrEmpty(environment("DNNL_MAX_CPU_ISA"))) return null;
        return cpuFlags.Contains("avx512f") ? "AVX" : null;
    }

    /// <summary>Sets the cap in the process environment (the native one libtorch reads) when <see cref="Choose"/> asks for one.</summary>
    internal static void Apply()
    {
        if (!OperatingSystem.IsLinux()) return;
        var cap = Choose(CpuFlags(), Environment.GetEnvironmentVariable);
        if (cap is null) return;
        // .NET keeps its own copy of the environment on Unix; libtorch reads the C library's.
        if (setenv(Variable, cap, 1) != 0) return;
        Environment.SetEnvironmentVariable(Variable, cap);
        Applied = cap;
    }

    static IEnumerable<string> CpuFlags()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal));
            return line is null ? [] : line[(line.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (IOException) { return []; }
        catch (UnauthorizedAccessException) { return []; }
    }

    [DllImport("libc", SetLastError = true)]
    static extern int setenv(string name, string value, int overwrite);
}
