using System.Text.RegularExpressions;
using Plotly.NET;
using SubnetNotebooks.Headless;
using SubnetNotebooks.Interactive;

namespace SubnetNotebooks.NotebookTests.Interactive;

/// <summary>Charts, live charts and progress lines as a notebook kernel shows them.</summary>
public class InANotebookTests
{
    const string PlotlyHeader = "* plotly.js v";

    /// <summary>A first cell that references the kit's assemblies this test process has loaded.</summary>
    static string References() => string.Join("\n",
        new[] { typeof(LiveChart), typeof(SubnetNotebooks.Plots.MetricLines), typeof(GenericChart), typeof(Microsoft.FSharp.Core.Unit) }
            .Select(t => $"#r \"{t.Assembly.Location}\"")) + "\nusing SubnetNotebooks.Plots; using SubnetNotebooks.Interactive;";

    static async Task<string> Run(string name, params string[] cells)
    {
        var folder = Repository.NewTempFolder("nb-interactive");
        var path = ThrowawayNotebook.Write(folder, name, [References(), .. cells]);
        var result = await NotebookRunner.RunAsync(path, new NotebookRunOptions("smoke", Path.Combine(folder, "out")));
        Assert.True(result.Succeeded, result.ToString());
        return result.ExecutedPath;
    }

    [Fact]
    public async Task TheFirstChartOfANotebookCarriesPlotlyJsAndLaterOnesReuseIt()
    {
        var executed = await Run("charts.ipynb",
            "MetricLines.Create(\"first\", \"x\", \"y\", [new LineSeries(\"a\", [1, 2], [3, 4])])",
            "MetricLines.Create(\"second\", \"x\", \"y\", [new LineSeries(\"b\", [1, 2], [5, 6])])");

        var first = Assert.Single(ThrowawayNotebook.Html(executed, 2));
        var second = Assert.Single(ThrowawayNotebook.Html(executed, 3));
        Assert.Contains(PlotlyHeader, first);
        Assert.Contains("newPlot(", first);
        Assert.DoesNotContain(PlotlyHeader, second);
        Assert.Contains("newPlot(", second);
        Assert.Contains("\"y\":[5.0,6.0]", second);
    }

    [Fact]
    public async Task RegisterShowsPlotlyJsInEveryCellThatCallsItSoARerunKeepsIt()
    {
        var executed = await Run("register.ipynb",
            "NotebookCharts.Register();",
            "NotebookCharts.Register();",
            "MetricLines.Create(\"after\", \"x\", \"y\", [new LineSeries(\"a\", [1], [1])])");

        // The second call stands for Run All twice: the set-up cell's new output replaces the first one.
        Assert.Contains(PlotlyHeader, Assert.Single(ThrowawayNotebook.Html(executed, 2)));
        Assert.Contains(PlotlyHeader, Assert.Single(ThrowawayNotebook.Html(executed, 3)));
        Assert.DoesNotContain(PlotlyHeader, Assert.Single(ThrowawayNotebook.Html(executed, 4)));
    }

    [Fact]
    public async Task ALiveChartIsOneOutputRedrawnWithEveryPoint()
    {
        var executed = await Run("live.ipynb",
            "NotebookCharts.Register();",
            """
            var live = LiveChart.Show("loss", "Epoch", "Loss");
            for (int epoch = 1; epoch <= 3; epoch++) live.Add(epoch, ("m1", 1.0 / epoch), ("m2", 2.0 / epoch));
            """);

        var chart = Assert.Single(ThrowawayNotebook.Html(executed, 3));
        Assert.Single(Regex.Matches(chart, "newPlot\\("));
        Assert.Contains("\"name\":\"m2\"", chart);
        Assert.Contains("\"x\":[1.0,2.0,3.0]", chart);
        Assert.Contains("\"y\":[2.0,1.0,0.6666666666666666]", chart);
    }

    [Fact]
    public async Task AProgressDisplayIsOneLineThatEndsDone()
    {
        var executed = await Run("progress.ipynb",
            """
            var progress = ProgressDisplay.Start("Steps", total: 3);
            for (int i = 1; i <= 3; i++) progress.Report(i, $"loss {i}");
            progress.Complete("finished");
            """);

        var line = Assert.Single(ThrowawayNotebook.Html(executed, 2));
        Assert.Contains("Steps: 3/3 (100%)", line);
        Assert.Contains("finished (done)", line);
        Assert.Contains("<progress value=\"3\" max=\"3\"", line);
    }
}
