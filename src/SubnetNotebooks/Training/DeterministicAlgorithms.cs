using System.Runtime.InteropServices;

namespace SubnetNotebooks.Training;

/// <summary>
/// PyTorch's torch.use_deterministic_algorithms for the kit (`--set deterministic=true`): libtorch raises an error
/// for an op without a deterministic implementation, cuDNN picks deterministic kernels and stops benchmarking, and
/// cuBLAS gets the CUBLAS_WORKSPACE_CONFIG it needs. TorchSharp 0.107 declares torch.use_deterministic_algorithms
/// only as a method that always throws "not implemented" (and exports no native entry for it), so this calls libtorch's
/// at::Context directly; that needs libtorch's Itanium C++ names, i.e. Linux or macOS.
/// </summary>
public static class DeterministicAlgorithms
{
    delegate IntPtr GlobalContext();
    delegate void SetFlag(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool on);
    delegate void SetFlags(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool on, [MarshalAs(UnmanagedType.U1)] bool warnOnly);
    [return: MarshalAs(UnmanagedType.U1)] delegate bool GetFlag(IntPtr context);

    [DllImport("libc", EntryPoint = "setenv")]
    static extern int SetEnv(string name, string value, int overwrite);

    static IntPtr _library;

    /// <summary>Whether libtorch now raises on ops without a deterministic implementation (at::Context::deterministicAlgorithms).</summary>
    public static bool Enabled => _library != IntPtr.Zero && Call<GetFlag>("_ZNK2at7Context23deterministicAlgorithmsEv")(Context());

    /// <summary>Whether cuDNN is told to use deterministic kernels (at::Context::deterministicCuDNN).</summary>
    public static bool CudnnDeterministic => _library != IntPtr.Zero && Call<GetFlag>("_ZNK2at7Context18deterministicCuDNNEv")(Context());

    /// <summary>Turns deterministic algorithms on or off (cuDNN benchmarking is off while they are on).</summary>
    public static void Set(bool on)
    {
        if (!on && _library == IntPtr.Zero) return; // never turned on in this process
        TorchRuntime.Ensure();
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            throw new PlatformNotSupportedException(
                "deterministic=true needs libtorch's C++ entry points, which this kit reaches on Linux and macOS only; TorchSharp 0.107's " +
                "torch.use_deterministic_algorithms is not implemented. Run without --set deterministic=true on this system.");
        if (on && Environment.GetEnvironmentVariable("CUBLAS_WORKSPACE_CONFIG") is null)
        {
            // cuBLAS reads the native environment when its handle is created; .NET's own copy would not reach it.
            SetEnv("CUBLAS_WORKSPACE_CONFIG", ":4096:8", 0);
            Environment.SetEnvironmentVariable("CUBLAS_WORKSPACE_CONFIG", ":4096:8");
        }
        var context = Context();
        Call<SetFlags>("_ZN2at7Context26setDeterministicAlgorithmsEbb")(context, on, false);
        Call<SetFlag>("_ZN2at7Context21setDeterministicCuDNNEb")(context, on);
        Call<SetFlag>("_ZN2at7Context17setBenchmarkCuDNNEb")(context, false);
    }

    static IntPtr Context()
    {
        if (_library == IntPtr.Zero)
        {
            using (TorchSharp.torch.zeros(1)) { } // makes sure libtorch is loaded
            var name = OperatingSystem.IsMacOS() ? "libtorch_cpu.dylib" : "libtorch_cpu.so";
            if (!NativeLibrary.TryLoad(name, out _library))
                throw new DllNotFoundException($"deterministic=true: {name} (loaded by TorchSharp) could not be opened. Run without --set deterministic=true.");
        }
        return Call<GlobalContext>("_ZN2at13globalContextEv")();
    }

    static T Call<T>(string symbol) where T : Delegate =>
        NativeLibrary.TryGetExport(_library, symbol, out var address)
            ? Marshal.GetDelegateForFunctionPointer<T>(address)
            : throw new EntryPointNotFoundException($"deterministic=true: libtorch has no {symbol}; this libtorch version is not the one the kit was built for.");
}
