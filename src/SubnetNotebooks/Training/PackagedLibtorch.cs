using System.Runtime.InteropServices;

namespace SubnetNotebooks.Training;

/// <summary>
/// In a notebook kernel TorchSharp first asks the system loader for libtorch by name, so a system-wide
/// libtorch (Debian's libtorch-dev, which python3-torch brings, puts libc10.so and libtorch_cpu.so 1.13 in
/// /usr/lib) is found before the NuGet package's 2.10 and libLibTorchSharp.so then fails with an undefined
/// c10 symbol. Loading the package's libraries by full path first makes every later by-name load reuse them.
/// </summary>
static class PackagedLibtorch
{
    /// <summary>Dependency order: each library's NEEDED entries are loaded before it.</summary>
    static readonly string[] Libraries = ["libgomp-98b21ff3.so.1", "libc10.so", "libtorch_cpu.so", "libtorch.so"];

    /// <summary>
    /// Loads libtorch from the libtorch-cpu-linux-x64 package beside <paramref name="torchSharpDll"/>'s package
    /// (NuGet layout &lt;packages&gt;/torchsharp/&lt;version&gt;/lib/&lt;tfm&gt;/TorchSharp.dll), unless the
    /// application folder already holds libtorch (a built app, where TorchSharp finds its own copy). Returns the folder loaded from, or null.
    /// </summary>
    public static string? Preload(string torchSharpDll)
    {
        if (!OperatingSystem.IsLinux() || File.Exists(Path.Combine(AppContext.BaseDirectory, "libtorch_cpu.so"))) return null;
        var packages = Directory.GetParent(torchSharpDll)?.Parent?.Parent?.Parent?.Parent?.FullName;
        var cpu = packages is null ? null : Path.Combine(packages, "libtorch-cpu-linux-x64");
        if (cpu is null || !Directory.Exists(cpu)) return null;
        var native = Directory.EnumerateDirectories(cpu)
            .Select(d => (Folder: Path.Combine(d, "runtimes", "linux-x64", "native"), Version: Version.TryParse(Path.GetFileName(d), out var v) ? v : null))
            .Where(d => d.Version is not null && File.Exists(Path.Combine(d.Folder, "libtorch_cpu.so")))
            .OrderByDescending(d => d.Version)
            .Select(d => d.Folder)
            .FirstOrDefault();
        if (native is null) return null;
        foreach (var library in Libraries)
        {
            var path = Path.Combine(native, library);
            if (File.Exists(path)) NativeLibrary.Load(path);
        }
        return native;
    }
}
