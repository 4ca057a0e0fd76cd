using SubnetNotebooks.Plots;

namespace SubnetNotebooks.Tests.Plots;

public class TradeoffScatterTests
{
    [Fact]
    public void OneTracePerGroupWithLabelsDrawn()
    {
        var chart = TradeoffScatter.Create("Accuracy vs cost", "Training cost (epochs)", "Accuracy",
        [
            new LabelledPoint("M=2", 20, 0.91, "Subnetworks"),
            new LabelledPoint("M=4", 40, 0.93, "Subnetworks"),
            new LabelledPoint("M=4", 160, 0.94, "Deep ensemble"),
        ]);
        var traces = Figure.Traces(chart);

        Assert.Equal(2, traces.Length);
        Assert.Equal("Subnetworks", traces[0].GetProperty("name").GetString());
        Assert.Equal([20.0, 40.0], Figure.Numbers(traces[0].GetProperty("x")));
        Assert.Equal([0.91, 0.93], Figure.Numbers(traces[0].GetProperty("y")));
        Assert.Equal(["M=2", "M=4"], Figure.Strings(traces[0].GetProperty("text")));
        Assert.Equal("markers+text", traces[0].GetProperty("mode").GetString());
        Assert.Equal("Training cost (epochs)", Figure.AxisTitle(chart, "xaxis"));
    }
}
