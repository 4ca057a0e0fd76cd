using SubnetNotebooks.Plots;

namespace SubnetNotebooks.Tests.Plots;

public class MethodBarsTests
{
    [Fact]
    public void OneBarTracePerMetricOverTheMethods()
    {
        string[] methods = ["Single", "MC dropout", "Subnetworks"];
        string[] metrics = ["Accuracy", "ECE"];
        var values = new double[,] { { 0.90, 0.05 }, { 0.91, 0.03 }, { 0.93, 0.02 } };

        var chart = MethodBars.Create("Fashion-MNIST", methods, metrics, values);
        var traces = Figure.Traces(chart);

        Assert.Equal(2, traces.Length);
        Assert.All(traces, t => Assert.Equal("bar", t.GetProperty("type").GetString()));
        Assert.Equal("ECE", traces[1].GetProperty("name").GetString());
        Assert.Equal(methods, Figure.Strings(traces[1].GetProperty("x")));
        Assert.Equal([0.05, 0.03, 0.02], Figure.Numbers(traces[1].GetProperty("y")));
        Assert.Equal("Method", Figure.AxisTitle(chart, "xaxis"));
    }

    [Fact]
    public void ErrorBarsCarryTheGivenHalfLengthsAndNoneForNaN()
    {
        var values = new double[,] { { 0.90, 0.30 }, { 0.91, 0.28 } };
        var errors = new double[,] { { 0.01, double.NaN }, { 0.02, 0.005 } };

        var traces = Figure.Traces(MethodBars.Create("seeds", ["deep", "subnet"], ["accuracy", "nll"], values, errors));

        var accuracy = traces[0].GetProperty("error_y");
        Assert.Equal("data", accuracy.GetProperty("type").GetString());
        Assert.True(accuracy.GetProperty("symmetric").GetBoolean());
        Assert.Equal([0.01, 0.02], Figure.Numbers(accuracy.GetProperty("array")));
        Assert.Equal([0.0, 0.005], Figure.Numbers(traces[1].GetProperty("error_y").GetProperty("array")));
    }

    [Fact]
    public void RejectsErrorsOfAnotherShape()
    {
        var e = Assert.Throws<ArgumentException>(() => MethodBars.Create("t", ["A"], ["Accuracy"], new double[1, 1], new double[2, 1]));
        Assert.Contains("errors rows", e.Message);
    }

    [Fact]
    public void RejectsValuesWithTooFewColumns()
    {
        var e = Assert.Throws<ArgumentException>(() => MethodBars.Create("t", ["A"], ["Accuracy", "ECE"], new double[1, 1]));
        Assert.Contains("values columns", e.Message);
    }

    [Fact]
    public void PanelsGiveEveryMetricItsOwnYAxisAndTitleAndWriteTheValues()
    {
        string[] methods = ["deep", "subnet"];
        var values = new double[,] { { 0.912, 0.3051, 0.0213 }, { 0.905, 0.2987, 0.0150 } };

        var chart = MethodBars.Panels("Quality", methods, ["accuracy", "nll", "ece"], values);
        var traces = Figure.Traces(chart);

        // The metric is the panel's title, not a y title (which would sit over the panel to its left).
        Assert.Equal(["accuracy", "nll", "ece"], Figure.PanelTitles(chart));
        Assert.Equal(["", "", ""], Figure.YAxisTitles(chart));
        Assert.Equal(["y", "y2", "y3"], traces.Select(t => t.GetProperty("yaxis").GetString()));
        // Labels of the first and last dots are not cut at the panel's edge.
        Assert.All(traces, t => Assert.False(t.GetProperty("cliponaxis").GetBoolean()));
        // Neighbours' labels on opposite sides of their dots: close values do not overwrite each other.
        Assert.All(traces, t => Assert.Equal(["top center", "bottom center"], Figure.Strings(t.GetProperty("textposition"))));
        Assert.Equal([0.3051, 0.2987], Figure.Numbers(traces[1].GetProperty("y")));
        Assert.Equal(methods, Figure.Strings(traces[2].GetProperty("x")));
        Assert.Equal(["0.0213", "0.015"], Figure.Strings(traces[2].GetProperty("text")));
        Assert.All(traces, t => Assert.False(t.GetProperty("showlegend").GetBoolean()));
    }

    [Fact]
    public void PanelsCarryErrorBarsPerMetric()
    {
        var values = new double[,] { { 0.90, 0.30 }, { 0.91, 0.28 } };
        var errors = new double[,] { { 0.01, 0.02 }, { 0.03, double.NaN } };

        var traces = Figure.Traces(MethodBars.Panels("seeds", ["deep", "subnet"], ["accuracy", "nll"], values, errors));

        Assert.Equal([0.02, 0.0], Figure.Numbers(traces[1].GetProperty("error_y").GetProperty("array")));
        Assert.Equal("y2", traces[1].GetProperty("yaxis").GetString());
    }
}
