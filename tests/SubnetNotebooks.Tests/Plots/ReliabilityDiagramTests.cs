using SubnetNotebooks.Plots;

namespace SubnetNotebooks.Tests.Plots;

public class ReliabilityDiagramTests
{
    [Fact]
    public void BarsOfAccuracyPerNonEmptyBinAndADiagonal()
    {
        // Four bins; the second is empty and must not be drawn.
        double[] confidence = [0.15, 0.0, 0.62, 0.91];
        double[] accuracy = [0.10, 0.0, 0.55, 0.95];
        long[] count = [20, 0, 130, 850];

        var chart = ReliabilityDiagram.Create(confidence, accuracy, count, "Single model");
        var traces = Figure.Traces(chart);

        Assert.Equal(2, traces.Length);
        var bars = traces[0];
        Assert.Equal("bar", bars.GetProperty("type").GetString());
        Assert.Equal([0.15, 0.62, 0.91], Figure.Numbers(bars.GetProperty("x")));
        Assert.Equal([0.10, 0.55, 0.95], Figure.Numbers(bars.GetProperty("y")));
        Assert.Equal(["n=20", "n=130", "n=850"], Figure.Strings(bars.GetProperty("text")));

        var diagonal = traces[1];
        Assert.Equal([0.0, 1.0], Figure.Numbers(diagonal.GetProperty("x")));
        Assert.Equal([0.0, 1.0], Figure.Numbers(diagonal.GetProperty("y")));
        Assert.Equal("Confidence", Figure.AxisTitle(chart, "xaxis"));
        Assert.Equal("Accuracy", Figure.AxisTitle(chart, "yaxis"));
        Assert.Equal("Single model", Figure.Title(chart));
    }

    [Fact]
    public void RejectsCountsOfAnotherLength()
    {
        var e = Assert.Throws<ArgumentException>(() => ReliabilityDiagram.Create([0.5, 0.9], [0.5, 0.8], [3]));
        Assert.Contains("binCount", e.Message);
    }
}
