using System.Diagnostics;
using System.Text.RegularExpressions;

namespace SubnetNotebooks.Metrics;

/// <summary>A snapshot of memory use: the process as a whole and the managed heap.</summary>
/// <param name="PeakResidentBytes">peak resident set of the process (VmHWM); includes native torch tensors on the CPU</param>
/// <param name="ResidentBytes">current resident set (VmRSS, or the working set off Linux)</param>
/// <param name="ManagedHeapBytes">managed heap size after the last GC</param>
/// <param name="TotalAllocatedBytes">managed bytes allocated since the process started</param>
public sealed record MemorySnapshot(long PeakResidentBytes, long ResidentBytes, long ManagedHeapBytes, long TotalAllocatedBytes);

/// <summary>
/// Wall time and memory of a stage. Time is measured with <see cref="Stopwatch"/>. Memory is the
/// process's peak resident set read from /proc/self/status (VmHWM) on Linux, falling back to
/// <see cref="Process.PeakWorkingSet64"/> elsewhere: TorchSharp's CPU tensors live in native
/// memory that the GC does not see, so the process figure is the one that counts. GPU memory is
/// not included.
/// </summary>
public static class CostMeasurement
{
    /// <summary>Runs <paramref name="action"/> and returns its wall time in seconds.</summary>
    public static double Seconds(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>Runs <paramref name="func"/> and returns its result with its wall time in seconds.</summary>
    public static (T Result, double Seconds) Timed<T>(Func<T> func)
    {
        var watch = Stopwatch.StartNew();
        T result = func();
        return (result, watch.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Starts a new peak: on Linux, writing 5 to /proc/self/clear_refs resets VmHWM to the current resident set, so the
    /// next <see cref="PeakMemoryBytes"/> is the peak since this call (per method, not the process's whole history).
    /// Returns false where that file is missing or not writable (the peak then stays cumulative).
    /// </summary>
    public static bool ResetPeak()
    {
        const string clearRefs = "/proc/self/clear_refs";
        if (!File.Exists(clearRefs)) return false;
        try { File.WriteAllText(clearRefs, "5"); return true; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    /// <summary>Peak resident memory of this process since the last <see cref="ResetPeak"/> (else since it started), in bytes.</summary>
    public static long PeakMemoryBytes() => Snapshot().PeakResidentBytes;

    /// <summary>Current memory figures of this process.</summary>
    public static MemorySnapshot Snapshot()
    {
        long peak = -1, resident = -1;
        const string status = "/proc/self/status";
        if (File.Exists(status))
        {
            string text = File.ReadAllText(status);
            peak = Kilobytes(text, "VmHWM");
            resident = Kilobytes(text, "VmRSS");
        }
        using var process = Process.GetCurrentProcess();
        if (peak < 0) peak = process.PeakWorkingSet64;
        if (resident < 0) resident = process.WorkingSet64;
        return new MemorySnapshot(peak, resident, GC.GetGCMemoryInfo().HeapSizeBytes, GC.GetTotalAllocatedBytes());
    }

    static long Kilobytes(string status, string field)
    {
        var match = Regex.Match(status, $@"^{field}:\s*(\d+)\s*kB", RegexOptions.Multiline);
        return match.Success ? long.Parse(match.Groups[1].Value) * 1024 : -1;
    }
}
