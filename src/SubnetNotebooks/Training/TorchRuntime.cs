using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Training;

/// <summary>
/// Makes TorchSharp loadable and picks the device. On Debian 12 the system libstdc++ stops at
/// GLIBCXX_3.4.30 while libLibTorchSharp.so names GLIBCXX_3.4.32 for one symbol it never calls;
/// <see cref="Ensure"/> marks such missing requirements weak in every copy of the library that
/// TorchSharp may load (idempotent, safe with other processes doing the same (<see cref="SharedLibraryPatch"/>),
/// and a no-op where the system libstdc++ is new enough).
/// </summary>
public static class TorchRuntime
{
    const string NativeLibrary = "libLibTorchSharp.so";
    const string StdCxx = "libstdc++.so.6";
    static readonly object Gate = new();
    static bool _ready;

    /// <summary>What <see cref="Ensure"/> did to each copy it found: file and the versions this process marked weak.</summary>
    public static IReadOnlyList<(string File, IReadOnlyList<string> Marked)> Patched { get; private set; } = [];

    // CA2255 warns that a library's module initializer runs code its user did not call: here that is the point, the
    // native library must be patched before any TorchSharp call, whichever kit type a notebook or app touches first.
    [ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "patch libLibTorchSharp.so before the first torch call")]
    internal static void OnLoad() => Ensure();

    /// <summary>Patches every reachable libLibTorchSharp.so once per process; call before the first torch call.</summary>
    public static void Ensure()
    {
        lock (Gate)
        {
            if (_ready) return;
            _ready = true;
            if (!OperatingSystem.IsLinux()) return;
            OneDnnIsa.Apply();
            HeapRetention.Apply();
            PatchAll();
            if (typeof(torch).Assembly.Location is { Length: > 0 } torchDll) PackagedLibtorch.Preload(torchDll);
        }
    }

    [SupportedOSPlatform("linux")]
    static void PatchAll()
    {
        var stdcxx = SystemStdCxx();
        if (stdcxx is null) return;
        var available = ElfVersionPatch.ReadDefined(File.ReadAllBytes(stdcxx), stdcxx);
        var patched = new List<(string, IReadOnlyList<string>)>();
        foreach (var file in Candidates())
        {
            var marked = SharedLibraryPatch.Apply(file, StdCxx, available, stdcxx);
            if (marked.Count > 0) patched.Add((file, marked));
        }
        Patched = patched;
    }

    /// <summary>The libstdc++ this process uses (from /proc/self/maps), else the usual system paths.</summary>
    static string? SystemStdCxx()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                int at = line.IndexOf('/');
                if (at >= 0 && line.EndsWith(StdCxx, StringComparison.Ordinal)) return line[at..];
            }
        }
        catch (IOException) { }
        foreach (var dir in new[] { "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib/x86_64-linux-gnu" })
        {
            var path = Path.Combine(dir, StdCxx);
            if (File.Exists(path)) return path;
        }
        return null;
    }

    /// <summary>Every libLibTorchSharp.so that the host or TorchSharp may load in this process.</summary>
    static IEnumerable<string> Candidates()
    {
        var roots = new List<string> { AppContext.BaseDirectory };
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string probe)
            roots.AddRange(probe.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        var torchDll = typeof(torch).Assembly.Location;
        if (!string.IsNullOrEmpty(torchDll))
        {
            // <nuget>/torchsharp/<version>/lib/<tfm>/TorchSharp.dll: search the whole package folder,
            // which holds runtimes/<rid>/native and the lib/<tfm>/cpu copy that notebooks load.
            var package = Directory.GetParent(torchDll)?.Parent?.Parent?.FullName;
            roots.Add(Path.GetDirectoryName(torchDll)!);
            if (package is not null && File.Exists(Path.Combine(package, ".nupkg.metadata"))) roots.Add(package);
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var root in roots.Where(Directory.Exists).Distinct())
        {
            IEnumerable<string> files;
            try { files = Directory.EnumerateFiles(root, NativeLibrary, new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 4, IgnoreInaccessible = true }); }
            catch (IOException) { continue; }
            foreach (var f in files)
                if (seen.Add(Path.GetFullPath(f))) yield return f;
        }
    }

    /// <summary>
    /// Resolves a device name: "auto" (CUDA when available, else CPU), "cpu" or "cuda".
    /// </summary>
    public static Device ResolveDevice(string name = "auto")
    {
        Ensure();
        switch (name.Trim().ToLowerInvariant())
        {
            case "" or "auto":
                return cuda.is_available() ? CUDA : CPU;
            case "cpu":
                return CPU;
            case "cuda":
                if (!cuda.is_available())
                    throw new ArgumentException("--device cuda was asked for, but CUDA is not available: build with -p:TorchBackend=cuda on a machine with an NVIDIA driver (README.md#cuda), or use --device cpu.");
                return CUDA;
            default:
                throw new ArgumentException($"Unknown device '{name}': use auto, cpu or cuda.");
        }
    }

    /// <summary>Sets the number of CPU threads libtorch uses (0 leaves libtorch's default).</summary>
    public static void SetThreads(int threads)
    {
        Ensure();
        if (threads > 0) torch.set_num_threads(threads);
    }
}
