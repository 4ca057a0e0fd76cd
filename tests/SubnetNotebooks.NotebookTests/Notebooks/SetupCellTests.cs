using SubnetNotebooks.Headless;

namespace SubnetNotebooks.NotebookTests.Notebooks;

/// <summary>notebooks/setup.csx, the first cell of every notebook: on a fresh clone, and run twice.</summary>
public class SetupCellTests
{
    const string PlotlyHeader = "* plotly.js v";

    /// <summary>A copy of notebooks/setup.csx in a new folder's notebooks/, with the checkout's artifacts/ (the local feed) beside it when <paramref name="packed"/>.</summary>
    static string Checkout(bool packed)
    {
        var root = Repository.NewTempFolder("setup-cell");
        Directory.CreateDirectory(Path.Combine(root, "notebooks"));
        File.Copy(Path.Combine(Repository.Notebooks, "setup.csx"), Path.Combine(root, "notebooks", "setup.csx"));
        if (packed) Directory.CreateSymbolicLink(Path.Combine(root, "artifacts"), Path.Combine(Repository.Root, "artifacts"));
        return root;
    }

    [Fact]
    public async Task BeforeTheKitIsPackedAHeadlessRunStopsAtTheFirstCellWithTheCommandThatPacksIt()
    {
        var root = Checkout(packed: false);
        var notebook = ThrowawayNotebook.Write(Path.Combine(root, "notebooks"), "fresh.ipynb", "#!import setup.csx", "1 + 1");
        var result = await NotebookRunner.RunAsync(notebook, new NotebookRunOptions("smoke", Path.Combine(root, "out")));

        Assert.False(result.Succeeded);
        Assert.Equal(1, result.Failure!.Cell);
        Assert.Contains("scripts/pack.sh", result.Failure.Error);
        Assert.Contains(Path.Combine(root, "artifacts", "packages", "SubnetNotebooks.version"), result.Failure.Error);
    }

    [Fact]
    public async Task RunTwiceInOneKernelTheSecondRunStillCarriesPlotlyJs()
    {
        var root = Checkout(packed: true);
        var notebook = ThrowawayNotebook.Write(Path.Combine(root, "notebooks"), "twice.ipynb",
            "#!import setup.csx", "#!import setup.csx",
            "MetricLines.Create(\"x\", \"x\", \"y\", [new LineSeries(\"a\", [1, 2], [3, 4])])");
        var result = await NotebookRunner.RunAsync(notebook, new NotebookRunOptions("smoke", Path.Combine(root, "out")));

        Assert.True(result.Succeeded, result.ToString());
        Assert.Contains(ThrowawayNotebook.Html(result.ExecutedPath, 1), html => html.Contains(PlotlyHeader));
        Assert.Contains(ThrowawayNotebook.Html(result.ExecutedPath, 2), html => html.Contains(PlotlyHeader));
        var chart = Assert.Single(ThrowawayNotebook.Html(result.ExecutedPath, 3));
        Assert.Contains("newPlot(", chart);
        Assert.Contains("\"y\":[3.0,4.0]", chart);
    }
}
