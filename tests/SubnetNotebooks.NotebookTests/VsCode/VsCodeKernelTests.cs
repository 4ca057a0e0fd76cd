using System.Reflection;
using System.Text.Json;

namespace SubnetNotebooks.NotebookTests.VsCode;

/// <summary>
/// The kernel that .vscode/settings.json makes the Polyglot Notebooks extension start, driven through the
/// extension's own protocol (SubmitCode envelopes over stdio), cell by cell, as Run All does.
/// Needs the kernel copy: scripts/jupyter-kernel.sh vscode (test.sh runs it first).
/// </summary>
public class VsCodeKernelTests
{
    const string PlotlyHeader = "* plotly.js v";

    static readonly Dictionary<string, string> Smoke = new() { ["SUBNET_PROFILE"] = "smoke" };

    /// <summary>The code cells of a notebook in notebooks/, in order.</summary>
    static string[] CodeCells(string notebook) =>
        ThrowawayNotebook.Cells(Path.Combine(Repository.Notebooks, notebook))
            .Where(c => c.GetProperty("cell_type").GetString() == "code")
            .Select(c => ThrowawayNotebook.Text(c.GetProperty("source")))
            .ToArray();

    /// <summary>
    /// True for HTML that fetches plotly.js from its CDN (https://cdn.plot.ly/plotly-VERSION.min.js, by a script
    /// src or a require.js path), as Plotly.NET's default and Plotly.NET.Interactive's charts do. The inlined
    /// plotly.js itself names only https://cdn.plot.ly/ (for map data).
    /// </summary>
    static bool LoadsPlotlyJsFromTheNetwork(string html) => html.Contains("cdn.plot.ly/plotly-", StringComparison.Ordinal);

    static async Task<List<KernelEvent>> RunAll(StdioKernel kernel, string notebook)
    {
        var all = new List<KernelEvent>();
        var cells = CodeCells(notebook);
        for (int i = 0; i < cells.Length; i++)
        {
            var events = await kernel.SubmitCodeAsync(cells[i], i);
            var failed = events.FirstOrDefault(e => e.Type == "CommandFailed");
            Assert.True(failed is null, $"{notebook} cell {i + 1}: {failed?.Event.GetProperty("message").GetString()}\nstderr:\n{kernel.Stderr}");
            all.AddRange(events);
        }
        return all;
    }

    [Fact]
    public void BothSettingsStartTheKitsKernelCopyWithFSharpCore10Point1InStdioMode()
    {
        foreach (var name in new[] { "kernelTransportArgs", "kernelTransportWorkingDirectory" })
            Assert.Equal(StdioKernel.Setting("dotnet-interactive", name).ToJsonString(), StdioKernel.Setting("polyglot-notebook", name).ToJsonString());
        var (_, arguments, workingDirectory) = StdioKernel.CommandLine(Repository.Notebooks, "/nonexistent-storage");
        Assert.Equal(Repository.Notebooks, workingDirectory);
        Assert.Contains("stdio", arguments);
        Assert.DoesNotContain(arguments, a => a.Contains("http-port"));
        var app = Path.GetFullPath(arguments[0]);
        Assert.True(File.Exists(app), $"{app} does not exist: run scripts/jupyter-kernel.sh vscode (it makes the kernel copy .vscode/settings.json starts).");
        Assert.StartsWith(Path.Combine(Repository.Root, ".dotnet-tools") + Path.DirectorySeparatorChar, app);
        var fsharp = AssemblyName.GetAssemblyName(Path.Combine(Path.GetDirectoryName(app)!, "FSharp.Core.dll")).Version!;
        Assert.Equal((10, 1), (fsharp.Major, fsharp.Minor));
        Assert.Contains("ms-dotnettools.dotnet-interactive-vscode", File.ReadAllText(Path.Combine(Repository.Root, ".vscode", "extensions.json")));
    }

    [Fact]
    public async Task TheSetupCheckRunsWithOfflineChartsALiveChartRerunsAndPlotlyNetInteractive()
    {
        using var kernel = await StdioKernel.StartAsync(Repository.Notebooks, Smoke);
        var events = await RunAll(kernel, "00-setup-check.ipynb");

        var html = events.SelectMany(e => e.Html).ToList();
        Assert.Contains(html, h => h.Contains(PlotlyHeader));
        Assert.Contains(html, h => h.Contains("newPlot(") && h.Contains("subnet-chart") && h.Contains("\"name\":\"x²\""));
        Assert.DoesNotContain(html, LoadsPlotlyJsFromTheNetwork);
        // The live chart: one output (valueId) displayed once, then updated with every one of the 5 steps.
        var live = events.First(e => e.Type == "DisplayedValueProduced" && e.Html.Any(h => h.Contains("Live chart: a toy loss")));
        var updates = events.Where(e => e.Type == "DisplayedValueUpdated" && e.ValueId == live.ValueId).ToList();
        Assert.Equal(5, updates.Count);
        Assert.Contains("\"x\":[1.0,2.0,3.0,4.0,5.0]", updates[^1].Html.Single());
        Assert.Contains("\"name\":\"member 2\"", updates[^1].Html.Single());

        // Run All twice: the set-up cell's new output, which replaces the first, still carries plotly.js.
        var rerun = await kernel.SubmitCodeAsync(CodeCells("00-setup-check.ipynb")[0], 0);
        Assert.DoesNotContain(rerun, e => e.Type == "CommandFailed");
        Assert.Contains(rerun.SelectMany(e => e.Html), h => h.Contains(PlotlyHeader));

        // Plotly.NET.Interactive loaded after the set-up: charts stay the kit's offline ones, not CDN-loading ones.
        var load = await kernel.SubmitCodeAsync("#r \"nuget: Plotly.NET.Interactive, 6.0.0\"", 100);
        Assert.True(!load.Any(e => e.Type == "CommandFailed"), string.Join("\n", load.Where(e => e.Type == "CommandFailed").Select(e => e.Event.GetProperty("message").GetString())));
        var chart = await kernel.SubmitCodeAsync("MetricLines.Create(\"after\", \"x\", \"y\", [new LineSeries(\"late\", [1, 2], [7, 8])])", 101);
        var chartHtml = Assert.Single(chart.SelectMany(e => e.Html));
        Assert.Contains("subnet-chart", chartHtml);
        Assert.Contains("\"y\":[7.0,8.0]", chartHtml);
        Assert.False(LoadsPlotlyJsFromTheNetwork(chartHtml), chartHtml);
    }

    [Fact]
    public async Task ATrainingNotebookRunsInTheSmokeProfileWithLiveChartUpdates()
    {
        var runs = Repository.NewTempFolder("vscode-runs");
        using var kernel = await StdioKernel.StartAsync(Repository.Notebooks, new Dictionary<string, string>(Smoke) { ["SUBNET_RUN_DIR"] = runs });
        var events = await RunAll(kernel, "03-training-subnetworks.ipynb");

        var updates = events.Where(e => e.Type == "DisplayedValueUpdated").ToList();
        Assert.Contains(updates, u => u.Html.Any(h => h.Contains("newPlot(") && h.Contains("validation accuracy") || h.Contains("newPlot(") && h.Contains(" loss\"")));
        Assert.Contains(updates, u => u.Html.Any(h => h.Contains("subnet-progress") && h.Contains("(done)")));
        Assert.Contains(events.SelectMany(e => e.Html), h => h.Contains(PlotlyHeader));
        Assert.True(File.Exists(Path.Combine(runs, "03-training-subnetworks", "report.html")), $"no report.html under {runs}/03-training-subnetworks");
    }

    [Fact]
    public async Task OnAFreshCloneTheFirstCellSaysWhichCommandPacksTheKit()
    {
        // A checkout with notebooks/ and the kernel copy, but no local feed of the kit's packages.
        var root = Repository.NewTempFolder("vscode-fresh");
        var notebooks = Directory.CreateDirectory(Path.Combine(root, "notebooks")).FullName;
        File.Copy(Path.Combine(Repository.Notebooks, "setup.csx"), Path.Combine(notebooks, "setup.csx"));
        Directory.CreateSymbolicLink(Path.Combine(root, ".dotnet-tools"), Path.Combine(Repository.Root, ".dotnet-tools"));
        using var kernel = await StdioKernel.StartAsync(notebooks, Smoke);

        var events = await kernel.SubmitCodeAsync(CodeCells("00-setup-check.ipynb")[0], 0);
        var failures = events.Where(e => e.Type == "CommandFailed").Select(e => e.Event.GetProperty("message").GetString()!).ToList();
        Assert.NotEmpty(failures);
        Assert.All(failures, m =>
        {
            Assert.Contains("The kit's packages are not made yet", m);
            Assert.Contains("scripts/pack.sh", m);
            Assert.DoesNotContain("error CS", m);
        });
    }
}
