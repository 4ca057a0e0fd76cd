using System.Runtime.InteropServices;

namespace SubnetNotebooks.Training;

/// <summary>
/// The instruction-set cap of oneDNN (libtorch's CPU kernel library): none by default, SUBNET_ONEDNN_ISA=NAME sets one
/// (ONEDNN_MAX_CPU_ISA=NAME before libtorch loads, e.g. AVX2, AVX, SSE41), SUBNET_ONEDNN_ISA=native keeps oneDNN's own
/// choice. Until 2026-12-06 the kit capped every AVX-512 CPU at AVX, on the evidence of wrong convolution input gradients
/// (errors of about 3, sometimes NaN) at small channel counts on a 2-core AMD EPYC. That evidence was taken while
/// TorchSharp 0.107's garbage-collector race (temporary Scalars and tensors freed mid-call) could corrupt memory. Checked
/// again on 2026-12-06 on the same machine, deterministically, one child process per cap (<see cref="ConvolutionGradientCheck"/>:
/// 504 conv2d shapes, batches 2-8, 1-16 channels per group, sides 4-32, 3x3 and 1x1, stride 1 and 2, groups 1 and 4;
/// output, input and weight gradients in float32 against float64), every cap was exact: the largest relative errors
/// were 3.5e-6 with no cap (oneDNN's AVX-512 with bfloat16 support, jit:avx512_core and brgconv kernels), 3.5e-6 at
/// AVX512_CORE, 3.5e-6 at AVX2, 8.2e-7 at AVX and 9.6e-7 at SSE41, against a tolerance of 1e-4 (`subnet bench --only l`,
/// BENCHMARKS.md). No cap failed, so none is set. A cap that SUBNET_ONEDNN_ISA names replaces an ONEDNN_MAX_CPU_ISA already
/// set; without it, ONEDNN_MAX_CPU_ISA and DNNL_MAX_CPU_ISA are left as they are.
/// </summary>
public static class OneDnnIsa
{
    /// <summary>oneDNN's variable for the highest instruction set it may use.</summary>
    public const string Variable = "ONEDNN_MAX_CPU_ISA";
    /// <summary>The kit's setting: an instruction set to cap oneDNN at, or "native" (the default) for oneDNN's own choice.</summary>
    public const string Setting = "SUBNET_ONEDNN_ISA";

    /// <summary>The cap applied by <see cref="Apply"/> in this process, or null when none was.</summary>
    public static string? Applied { get; private set; }

    /// <summary>
    /// The instruction-set cap to apply, or null: the one SUBNET_ONEDNN_ISA names (upper-cased), null for "native" or when
    /// it is unset. No instruction set is capped by default: none failed the convolution check (see the class summary).
    /// </summary>
    /// <param name="environment">reads an environment variable (null when unset)</param>
    public static string? Choose(Func<string, string?> environment)
    {
        var requested = environment(Setting);
        if (string.IsNullOrEmpty(requested) || string.Equals(requested, "native", StringComparison.OrdinalIgnoreCase)) return null;
        return requested.ToUpperInvariant();
    }

    /// <summary>Sets the cap in the process environment (the native one libtorch reads) when <see cref="Choose"/> asks for one.</summary>
    internal static void Apply()
    {
        if (!OperatingSystem.IsLinux()) return;
        var cap = Choose(Environment.GetEnvironmentVariable);
        if (cap is null) return;
        // .NET keeps its own copy of the environment on Unix; libtorch reads the C library's.
        if (setenv(Variable, cap, 1) != 0) return;
        Environment.SetEnvironmentVariable(Variable, cap);
        Applied = cap;
    }

    [DllImport("libc", SetLastError = true)]
    static extern int setenv(string name, string value, int overwrite);
}
