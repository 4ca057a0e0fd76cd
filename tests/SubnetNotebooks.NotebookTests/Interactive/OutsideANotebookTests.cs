using SubnetNotebooks.Interactive;

namespace SubnetNotebooks.NotebookTests.Interactive;

/// <summary>The notebook displays are no-ops, not crashes, when no notebook kernel is running.</summary>
public class OutsideANotebookTests
{
    [Fact]
    public void ALiveChartCollectsItsPointsWithoutDisplaying()
    {
        var live = LiveChart.Show("Loss", "Epoch", "Loss");
        live.Add("member 1", 1, 0.9);
        live.Add(2, ("member 1", 0.5), ("member 2", 0.7));

        Assert.False(live.IsDisplayed);
        Assert.Equal(["member 1", "member 2"], live.Series.Select(s => s.Name));
        Assert.Equal([1.0, 2.0], live.Series[0].X);
        Assert.Equal([0.9, 0.5], live.Series[0].Y);
        Assert.Equal([0.7], live.Series[1].Y);
        Assert.Contains("\"y\":[0.9,0.5]", Plotly.NET.GenericChart.toJson(live.Chart));
    }

    [Fact]
    public void AnEmptyLiveChartStillMakesAChart()
    {
        var live = LiveChart.Show("Nothing yet");
        Assert.Empty(live.Series);
        Assert.Contains("Nothing yet", Plotly.NET.GenericChart.toJson(live.Chart));
    }

    [Fact]
    public void AProgressDisplayCountsWithoutDisplaying()
    {
        var progress = ProgressDisplay.Start("Training", total: 4);
        progress.Report(3, "loss 0.5");
        Assert.Equal(3, progress.Done);
        progress.Complete();
        Assert.Equal(4, progress.Done);
    }

    [Fact]
    public void AChartFormattedOutsideAKernelCarriesPlotlyJsItself()
    {
        var chart = SubnetNotebooks.Plots.MetricLines.Create("t", "x", "y", [new("s", [1], [2])]);
        var html = NotebookCharts.ToHtml(chart);
        Assert.Contains("plotly.js v" + global::Globals.PLOTLYJS_VERSION, html);
        Assert.Contains("newPlot(", html);
    }
}
