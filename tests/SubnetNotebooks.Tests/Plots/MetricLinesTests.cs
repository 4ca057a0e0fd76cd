using SubnetNotebooks.Plots;

namespace SubnetNotebooks.Tests.Plots;

public class MetricLinesTests
{
    static readonly LineSeries Subnetworks = new("Subnetworks", [1, 2, 4], [0.90, 0.92, 0.93]);
    static readonly LineSeries DeepEnsemble = new("Deep ensemble", [1, 2, 4], [0.90, 0.925, 0.94]);

    [Fact]
    public void OneLinePerSeriesWithItsValues()
    {
        var chart = MetricLines.Create("Accuracy vs M", "Ensemble size M", "Accuracy", [Subnetworks, DeepEnsemble]);
        var traces = Figure.Traces(chart);

        Assert.Equal(2, traces.Length);
        Assert.Equal("Subnetworks", traces[0].GetProperty("name").GetString());
        Assert.Equal("Deep ensemble", traces[1].GetProperty("name").GetString());
        Assert.Equal([1.0, 2.0, 4.0], Figure.Numbers(traces[1].GetProperty("x")));
        Assert.Equal([0.90, 0.925, 0.94], Figure.Numbers(traces[1].GetProperty("y")));
        Assert.Equal("lines+markers", traces[0].GetProperty("mode").GetString());
    }

    [Fact]
    public void TitlesTheChartAndBothAxes()
    {
        var chart = MetricLines.Create("Accuracy vs M", "Ensemble size M", "Accuracy", [Subnetworks]);

        Assert.Equal("Accuracy vs M", Figure.Title(chart));
        Assert.Equal("Ensemble size M", Figure.AxisTitle(chart, "xaxis"));
        Assert.Equal("Accuracy", Figure.AxisTitle(chart, "yaxis"));
    }

    [Fact]
    public void RejectsASeriesWhoseXAndYDiffer()
    {
        var broken = new LineSeries("MC dropout", [1, 2, 3], [0.9, 0.91]);
        var e = Assert.Throws<ArgumentException>(() => MetricLines.Create("t", "x", "y", [broken]));
        Assert.Contains("MC dropout", e.Message);
        Assert.Contains("3", e.Message);
        Assert.Contains("2", e.Message);
    }

    [Fact]
    public void PanelsPutEachMetricOnItsOwnYAxisWithOneLegendEntryPerSeries()
    {
        var single = new LineSeries("Single", [0], [0.95]);
        var chart = MetricLines.Panels("Sweep", "IoU", [new MetricPanel("accuracy", [Subnetworks, single]), new MetricPanel("nll", [DeepEnsemble, single])]);
        var traces = Figure.Traces(chart);

        Assert.Equal(["accuracy", "nll"], Figure.YAxisTitles(chart));
        Assert.Equal(["Subnetworks", "Single", "Deep ensemble", "Single"], traces.Select(t => t.GetProperty("name").GetString()));
        Assert.Equal(["y", "y", "y2", "y2"], traces.Select(t => t.GetProperty("yaxis").GetString()));
        // "Single" is in the legend once, with the same colour and symbol in both panels, and a large marker (one point).
        Assert.Equal([true, true, true, false], traces.Select(t => t.GetProperty("showlegend").GetBoolean()));
        Assert.Equal(traces[1].GetProperty("marker").GetProperty("color").GetString(), traces[3].GetProperty("marker").GetProperty("color").GetString());
        Assert.NotEqual(traces[0].GetProperty("marker").GetProperty("symbol").GetString(), traces[1].GetProperty("marker").GetProperty("symbol").GetString());
        Assert.True(traces[1].GetProperty("marker").GetProperty("size").GetInt32() > traces[0].GetProperty("marker").GetProperty("size").GetInt32());
        Assert.Equal([0.90, 0.925, 0.94], Figure.Numbers(traces[2].GetProperty("y")));
        Assert.Equal("IoU", Figure.AxisTitle(chart, "xaxis2"));
    }
}
