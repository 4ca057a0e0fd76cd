using SubnetNotebooks.Training;

namespace SubnetNotebooks.Tests.Training;

/// <summary>
/// Which libtorch folder the notebook preload would load, in a fake NuGet cache laid out as restore leaves it:
/// torchsharp/0.107.0/lib/net8.0/TorchSharp.dll, the backend package torchsharp-cpu/0.107.0 whose .nuspec names
/// libtorch-cpu, whose .nuspec names libtorch-cpu-linux-x64, and two versions of libtorch-cpu-linux-x64.
/// </summary>
public class PackagedLibtorchTests : IDisposable
{
    readonly string _packages = Directory.CreateTempSubdirectory("subnet-nuget-").FullName;
    readonly string _torchSharpDll;

    public PackagedLibtorchTests()
    {
        _torchSharpDll = Path.Combine(_packages, "torchsharp", "0.107.0", "lib", "net8.0", "TorchSharp.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(_torchSharpDll)!);
        File.WriteAllBytes(_torchSharpDll, []);
        foreach (var version in new[] { "2.10.0.1", "2.11.0" })
        {
            Directory.CreateDirectory(Native(version));
            File.WriteAllBytes(Path.Combine(Native(version), "libtorch_cpu.so"), []);
        }
        Pin("2.10.0.1", "2.10.0.1");
    }

    public void Dispose() => Directory.Delete(_packages, recursive: true);

    string Native(string version) => Path.Combine(_packages, "libtorch-cpu-linux-x64", version, "runtimes", "linux-x64", "native");

    /// <summary>Writes &lt;packages&gt;/&lt;id&gt;/&lt;version&gt;/&lt;id&gt;.nuspec with these dependencies, as nuget.org's packages have them.</summary>
    void Nuspec(string id, string version, params (string Id, string Version)[] dependencies)
    {
        var folder = Path.Combine(_packages, id, version);
        Directory.CreateDirectory(folder);
        var entries = string.Concat(dependencies.Select(d => $"\n        <dependency id=\"{d.Id}\" version=\"{d.Version}\" exclude=\"Build,Analyzers\" />"));
        File.WriteAllText(Path.Combine(folder, id + ".nuspec"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
              <metadata>
                <id>{id}</id>
                <version>{version}</version>
                <dependencies>
                  <group targetFramework="net8.0">{entries}
                  </group>
                </dependencies>
              </metadata>
            </package>
            """);
    }

    /// <summary>TorchSharp-cpu 0.107.0 depends on libtorch-cpu at <paramref name="spec"/> (restored into <paramref name="folder"/>), which depends on libtorch-cpu-linux-x64 at <paramref name="spec"/>.</summary>
    void Pin(string spec, string folder)
    {
        Nuspec("torchsharp-cpu", "0.107.0", ("libtorch-cpu", spec), ("TorchSharp", "0.107.0"));
        Nuspec("libtorch-cpu", folder, ("libtorch-cpu-linux-x64", spec), ("libtorch-cpu-osx-arm64", spec), ("libtorch-cpu-win-x64", spec));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("cpu")]
    [InlineData(" CPU ")]
    public void ChoosesThePinnedVersionNotTheNewest(string? backend) =>
        Assert.Equal(Native("2.10.0.1"), PackagedLibtorch.Choose(_torchSharpDll, backend));

    [Theory]
    [InlineData("2.11.0", "2.11.0")]
    [InlineData("[2.11.0]", "2.11.0")]
    [InlineData("2.11.0.0", "2.11.0")]        // NuGet names the folder of 2.11.0.0 "2.11.0"
    [InlineData("[2.10.0.1, )", "2.10.0.1")]
    public void ReadsTheNuspecVersionAsTheCacheFolderNamesIt(string spec, string folder)
    {
        Pin(spec, folder);
        Assert.Equal(Native(folder), PackagedLibtorch.Choose(_torchSharpDll, "cpu"));
    }

    [Fact]
    public void TheCudaBackendNeverChoosesTheCpuLibtorch()
    {
        Assert.Null(PackagedLibtorch.Choose(_torchSharpDll, "cuda"));
        Nuspec("torchsharp-cuda-linux", "0.107.0", ("libtorch-cuda-12.8-linux-x64", "2.10.0.1"), ("TorchSharp", "0.107.0"));
        Assert.Null(PackagedLibtorch.Choose(_torchSharpDll, null));          // TorchSharp-cuda-linux beside TorchSharp
        Assert.Null(PackagedLibtorch.Choose(_torchSharpDll, "gpu"));         // not a backend the kit knows: load nothing
        Assert.Equal(Native("2.10.0.1"), PackagedLibtorch.Choose(_torchSharpDll, "cpu"));   // the variable says cpu
    }

    [Fact]
    public void ChoosesNothingWhenThePinnedVersionOrTheBackendPackageIsMissing()
    {
        Directory.Delete(Path.Combine(_packages, "libtorch-cpu-linux-x64", "2.10.0.1"), recursive: true);
        Assert.Null(PackagedLibtorch.Choose(_torchSharpDll, "cpu"));          // 2.11.0 is there, but not pinned

        Pin("2.11.0", "2.11.0");
        Assert.Equal(Native("2.11.0"), PackagedLibtorch.Choose(_torchSharpDll, "cpu"));
        File.WriteAllText(Path.Combine(_packages, "libtorch-cpu", "2.11.0", "libtorch-cpu.nuspec"), "<package><metadata>");   // damaged
        Assert.Null(PackagedLibtorch.Choose(_torchSharpDll, "cpu"));
        Directory.Delete(Path.Combine(_packages, "torchsharp-cpu"), recursive: true);
        Assert.Null(PackagedLibtorch.Choose(_torchSharpDll, "cpu"));
    }

    [Fact]
    public void ChoosesNothingForATorchSharpOutsideTheNuGetLayout()
    {
        var app = Path.Combine(_packages, "app", "bin", "Release", "net10.0", "TorchSharp.dll");   // a built application's copy
        Directory.CreateDirectory(Path.GetDirectoryName(app)!);
        File.WriteAllBytes(app, []);
        Assert.Null(PackagedLibtorch.Choose(app, "cpu"));
    }
}
