using System.Text.Json;
using SubnetNotebooks.Plots;

namespace SubnetNotebooks.Tests.Plots;

public class WeightPatternChartTests
{
    [Fact]
    public void RowsAreOutputUnitsAndColumnsInputUnits()
    {
        // 2 outputs x 3 inputs: output 0 uses inputs 0 and 2, output 1 none.
        var chart = WeightPatternChart.Create("fc2", new double[,] { { 1, 0, 1 }, { 0, 0, 0 } });
        var trace = Assert.Single(Figure.Traces(chart));
        Assert.Equal("heatmap", trace.GetProperty("type").GetString());
        var z = trace.GetProperty("z").EnumerateArray().Select(Figure.Numbers).ToArray();
        Assert.Equal([1.0, 0.0, 1.0], z[0]);
        Assert.Equal([0.0, 0.0, 0.0], z[1]);
        Assert.Equal("output unit", Figure.AxisTitle(chart, "yaxis"));
        Assert.Equal("input unit", Figure.AxisTitle(chart, "xaxis"));
    }
}
