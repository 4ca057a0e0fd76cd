using System.Runtime.InteropServices;
using System.Xml.Linq;

namespace SubnetNotebooks.Training;

/// <summary>
/// In a notebook kernel TorchSharp first asks the system loader for libtorch by name, so a system-wide
/// libtorch (Debian's libtorch-dev, which python3-torch brings, puts libc10.so and libtorch_cpu.so 1.13 in
/// /usr/lib) is found before the NuGet package's 2.10 and libLibTorchSharp.so then fails with an undefined
/// c10 symbol. Loading the package's libraries by full path first makes every later by-name load reuse them.
/// Only the libtorch that the loaded TorchSharp was restored with may be loaded this way: the CPU backend's package
/// at the version its TorchSharp-cpu package names, never another version that happens to be in the cache, and
/// nothing for the CUDA backend (whose libtorch comes in package fragments that TorchSharp's own loader joins).
/// </summary>
static class PackagedLibtorch
{
    /// <summary>Dependency order: each library's NEEDED entries are loaded before it.</summary>
    static readonly string[] Libraries = ["libgomp-98b21ff3.so.1", "libc10.so", "libtorch_cpu.so", "libtorch.so"];

    /// <summary>The backend variable the build and the notebooks read (cpu or cuda).</summary>
    const string BackendVariable = "SUBNET_TORCH_BACKEND";
    const string CpuLibtorch = "libtorch-cpu-linux-x64";

    /// <summary>
    /// Loads the libtorch that <see cref="Choose"/> names for <paramref name="torchSharpDll"/>, unless the application
    /// folder already holds libtorch (a built app, where TorchSharp finds its own copy). Returns the folder loaded from, or null.
    /// </summary>
    public static string? Preload(string torchSharpDll)
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64
            || File.Exists(Path.Combine(AppContext.BaseDirectory, "libtorch_cpu.so"))) return null;
        var native = Choose(torchSharpDll, Environment.GetEnvironmentVariable(BackendVariable));
        if (native is null) return null;
        foreach (var library in Libraries)
        {
            var path = Path.Combine(native, library);
            if (File.Exists(path)) NativeLibrary.Load(path);
        }
        return native;
    }

    /// <summary>
    /// The native folder of the libtorch that TorchSharp at <paramref name="torchSharpDll"/> (NuGet layout
    /// &lt;packages&gt;/torchsharp/&lt;version&gt;/lib/&lt;tfm&gt;/TorchSharp.dll) was restored with: the CPU backend package
    /// beside it (torchsharp-cpu/&lt;version&gt;) names libtorch-cpu in its .nuspec at the version that restore takes
    /// (NuGet resolves a dependency to the lowest version it allows), and libtorch-cpu's .nuspec names
    /// libtorch-cpu-linux-x64. Null (load nothing; TorchSharp loads on its own) when the backend is not cpu
    /// (<paramref name="backend"/>, the SUBNET_TORCH_BACKEND value; when it is unset, TorchSharp-cuda-linux beside
    /// TorchSharp means CUDA), or when that version is not in the cache.
    /// </summary>
    internal static string? Choose(string torchSharpDll, string? backend)
    {
        var home = Directory.GetParent(torchSharpDll)?.Parent?.Parent;   // torchsharp/<version>
        var packages = home?.Parent?.Parent?.FullName;
        if (home?.Parent?.Name != "torchsharp" || packages is null) return null;
        bool cudaBeside = Directory.Exists(Path.Combine(packages, "torchsharp-cuda-linux", home.Name));
        var chosen = string.IsNullOrWhiteSpace(backend) ? (cudaBeside ? "cuda" : "cpu") : backend.Trim().ToLowerInvariant();
        if (chosen != "cpu" || DependencyVersion(packages, "torchsharp-cpu", home.Name, CpuLibtorch) is not { } version) return null;
        var native = Path.Combine(packages, CpuLibtorch, version, "runtimes", "linux-x64", "native");
        return File.Exists(Path.Combine(native, "libtorch_cpu.so")) ? native : null;
    }

    /// <summary>
    /// The version at which package <paramref name="id"/>/<paramref name="version"/> depends on <paramref name="wanted"/>,
    /// directly or through one libtorch-* package between them (read from the .nuspec files in the cache); null when not found.
    /// </summary>
    static string? DependencyVersion(string packages, string id, string version, string wanted, int depth = 1)
    {
        var nuspec = Path.Combine(packages, id, version, id + ".nuspec");
        if (!File.Exists(nuspec)) return null;
        XDocument document;
        try { document = XDocument.Load(nuspec); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Xml.XmlException) { return null; }
        foreach (var dependency in document.Descendants().Where(e => e.Name.LocalName == "dependency"))
        {
            var (name, at) = (((string?)dependency.Attribute("id"))?.ToLowerInvariant(), FolderName((string?)dependency.Attribute("version")));
            if (name is null || at is null) continue;
            if (name == wanted) return at;
            if (depth > 0 && name.StartsWith("libtorch-", StringComparison.Ordinal) && DependencyVersion(packages, name, at, wanted, depth - 1) is { } found)
                return found;
        }
        return null;
    }

    /// <summary>The cache folder name of a .nuspec version ("2.10.0", "[2.10.0]", "2.10.0.0" → "2.10.0"; "2.10.0.1" stays).</summary>
    static string? FolderName(string? range)
    {
        var lower = range?.Split(',')[0].Trim().Trim('[', '(', ']', ')').Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(lower)) return null;
        if (!Version.TryParse(lower, out var v)) return lower;
        return v.Revision > 0 ? $"{v.Major}.{v.Minor}.{Math.Max(v.Build, 0)}.{v.Revision}" : $"{v.Major}.{v.Minor}.{Math.Max(v.Build, 0)}";
    }
}
