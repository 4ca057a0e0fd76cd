using System.Text.RegularExpressions;
using SubnetNotebooks.Interactive;

namespace SubnetNotebooks.NotebookTests.Interactive;

/// <summary>The packages the set-up cell loads beside the kit's DLLs, which a kernel does not load by itself.</summary>
public class NotebookSetupTests
{
    [Fact]
    public void TheLibrarysPackagesAreLoadedButNotTheBackendPlotlyOrFSharpCore()
    {
        var folder = Repository.NewTempFolder("setup-deps");
        var deps = Path.Combine(folder, "kit.deps.json");
        File.WriteAllText(deps, """
            { "targets": { ".NETCoreApp,Version=v10.0": {
                "SubnetNotebooks.Notebooks/1.0.0": { "dependencies": { "Microsoft.DotNet.Interactive": "1.0.0", "SubnetNotebooks": "0.1.0" } },
                "SubnetNotebooks/0.1.0": { "dependencies": { "FSharp.Core": "10.1.403", "Markdig": "1.6.0", "Plotly.NET": "6.0.0",
                  "Plotly.NET.CSharp": "0.14.0", "StbImageSharp": "2.30.16", "TorchSharp-cpu": "0.107.0", "TorchSharp.PyBridge": "1.4.4" } } } } }
            """);

        Assert.Equal([("Markdig", "1.6.0"), ("StbImageSharp", "2.30.16"), ("TorchSharp.PyBridge", "1.4.4")], NotebookSetup.LibraryPackages(deps));
    }

    [Fact]
    public void TheBuiltKitListsMarkdigAtTheCentralVersion()
    {
        var props = File.ReadAllText(Path.Combine(Repository.Root, "Directory.Packages.props"));
        var version = Regex.Match(props, "Include=\"Markdig\" Version=\"([^\"]+)\"").Groups[1].Value;
        var deps = Path.Combine(Repository.Root, "src", "SubnetNotebooks.Notebooks", "bin", "Release", "net10.0", "SubnetNotebooks.Notebooks.deps.json");

        Assert.NotEmpty(version);
        Assert.Contains(("Markdig", version), NotebookSetup.LibraryPackages(deps));
    }

    [Fact]
    public void AMissingDepsFileNamesTheFileAndTheBuildCommand()
    {
        var missing = Path.Combine(Repository.NewTempFolder("setup-deps"), "none.deps.json");
        var e = Assert.Throws<FileNotFoundException>(() => NotebookSetup.LibraryPackages(missing));
        Assert.Contains(missing, e.Message);
        Assert.Contains("dotnet build src/SubnetNotebooks.Notebooks -c Release", e.Message);
    }
}
