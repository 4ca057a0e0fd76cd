using System.Diagnostics;
using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace SubnetNotebooks.NotebookTests.Packages;

/// <summary>
/// The kit as packages, used outside the repository: a new notebook and a new file-based app in an empty folder load
/// it from the local feed (scripts/pack.sh), train the smoke profile of one method and draw one chart.
/// </summary>
public class KitFromPackagesTests
{
    static string Feed => Path.Combine(Repository.Root, "artifacts", "packages");

    /// <summary>The version scripts/pack.sh last packed; the feed must exist (scripts/jupyter-kernel.sh install makes it).</summary>
    static string Version()
    {
        var file = Path.Combine(Feed, "SubnetNotebooks.version");
        Assert.True(File.Exists(file), $"{file} is missing: run scripts/pack.sh (test.sh does, through scripts/jupyter-kernel.sh install).");
        return File.ReadAllText(file).Trim();
    }

    /// <summary>The TorchSharp version the kit is built with (Directory.Packages.props), for the backend package.</summary>
    static string TorchSharpVersion() => Regex.Match(File.ReadAllText(Path.Combine(Repository.Root, "Directory.Packages.props")),
        "Include=\"TorchSharp-cpu\" Version=\"([^\"]+)\"").Groups[1].Value;

    /// <summary>The first cell of a user's notebook: the feed, the kit, the backend; as the README shows it.</summary>
    static string LoadCell() =>
        $"#i \"nuget: {Feed}\"\n#r \"nuget: SubnetNotebooks.Interactive, {Version()}\"\n#r \"nuget: TorchSharp-cpu, {TorchSharpVersion()}\"";

    /// <summary>Trains the smoke profile of the single model into ./run (no OOD set: the folder has no data beside it).</summary>
    const string Train = """
        var config = Profiles.Get("smoke") with { Methods = ["single"], OodDataset = "" };
        var session = ExperimentSession.Open(config, Path.Combine(Environment.CurrentDirectory, "run"));
        var single = session.Train("single");
        Console.WriteLine($"single accuracy {single.Outcome.Report.Test.Accuracy:F4}");
        """;

    const string Chart = """MethodBars.Create("smoke", ["single"], ["accuracy"], new double[,] { { single.Outcome.Report.Test.Accuracy } })""";

    static XElement Nuspec(string id)
    {
        using var zip = ZipFile.OpenRead(Path.Combine(Feed, $"{id}.{Version()}.nupkg"));
        using var stream = zip.GetEntry($"{id}.nuspec")!.Open();
        return XElement.Load(stream);
    }

    static async Task<(int ExitCode, string Output)> RunAsync(string folder, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        start.Environment["JUPYTER_PATH"] = Path.Combine(Repository.Root, ".dotnet-tools", "jupyter");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    [Fact]
    public void TheLibraryPackageDependsOnTorchSharpAndLeavesTheBackendToItsUser()
    {
        foreach (var id in new[] { "SubnetNotebooks", "SubnetNotebooks.Interactive" })
        {
            var nuspec = Nuspec(id);
            var ns = nuspec.Name.Namespace;
            var metadata = nuspec.Element(ns + "metadata")!;
            Assert.Equal("MIT", metadata.Element(ns + "license")?.Value);
            Assert.Equal("README.md", metadata.Element(ns + "readme")?.Value);
            Assert.False(string.IsNullOrEmpty(metadata.Element(ns + "repository")?.Attribute("url")?.Value), $"{id} names no repository");
            var dependencies = metadata.Descendants(ns + "dependency").Select(d => d.Attribute("id")!.Value).ToList();
            Assert.DoesNotContain(dependencies, d => d.StartsWith("TorchSharp-", StringComparison.Ordinal));
            if (id == "SubnetNotebooks") Assert.Contains("TorchSharp", dependencies);
            else Assert.Contains("SubnetNotebooks", dependencies);
            Assert.True(File.Exists(Path.Combine(Feed, $"{id}.{Version()}.snupkg")), $"{id} has no symbol package");
        }
    }

    [Fact]
    public async Task ANewNotebookInAnEmptyFolderLoadsTheKitTrainsAndDrawsAChart()
    {
        var folder = Repository.NewTempFolder("own-notebook");
        var notebook = ThrowawayNotebook.Write(folder, "mine.ipynb",
            LoadCell(),
            "using System.IO;\nusing SubnetNotebooks.Experiments;\nusing SubnetNotebooks.Interactive;\nusing SubnetNotebooks.Plots;\nusing SubnetNotebooks.Training;\nTorchRuntime.Ensure();\nNotebookCharts.Register();",
            Train,
            Chart);

        var (exit, output) = await RunAsync(folder, "jupyter", "nbconvert", "--to", "notebook", "--execute", notebook,
            "--ExecutePreprocessor.kernel_name=.net-csharp", "--ExecutePreprocessor.timeout=900", "--output", "executed.ipynb");

        Assert.True(exit == 0, $"jupyter nbconvert --execute failed ({exit}):\n{output}");
        var executed = Path.Combine(folder, "executed.ipynb");
        var trained = string.Concat(ThrowawayNotebook.Outputs(executed, 3).Where(o => o.TryGetProperty("text", out _)).Select(o => ThrowawayNotebook.Text(o.GetProperty("text"))));
        Assert.Matches(@"single accuracy 0\.\d{4}", trained);
        var chart = Assert.Single(ThrowawayNotebook.Html(executed, 4));
        Assert.Contains("newPlot(", chart);
        Assert.Contains("* plotly.js v", string.Concat(Enumerable.Range(1, 4).SelectMany(c => ThrowawayNotebook.Html(executed, c))));
        Assert.True(File.Exists(Path.Combine(folder, "run", "metrics.json")), "the notebook left no run folder");
    }

    [Fact]
    public async Task ANewFileBasedAppInAnEmptyFolderLoadsTheKitTrainsAndDrawsAChart()
    {
        var folder = Repository.NewTempFolder("own-app");
        File.WriteAllText(Path.Combine(folder, "app.cs"), $"""
            #:property RestoreAdditionalProjectSources={Feed}
            #:package SubnetNotebooks.Interactive@{Version()}
            #:package TorchSharp-cpu@{TorchSharpVersion()}
            #:property PublishAot=false
            using SubnetNotebooks.Experiments;
            using SubnetNotebooks.Pages;
            using SubnetNotebooks.Plots;
            using SubnetNotebooks.Training;

            TorchRuntime.Ensure();
            {Train}
            using var page = NotebookPage.Start("mine", "page.html");
            page.Show({Chart});
            page.Save();
            """);

        var (exit, output) = await RunAsync(folder, "dotnet", "run", "app.cs");

        Assert.True(exit == 0, $"dotnet run app.cs failed ({exit}):\n{output}");
        Assert.Matches(@"single accuracy 0\.\d{4}", output);
        var page = File.ReadAllText(Path.Combine(folder, "page.html"));
        Assert.Contains("newPlot(", page);
        Assert.Contains("* plotly.js v", page);
    }
}
