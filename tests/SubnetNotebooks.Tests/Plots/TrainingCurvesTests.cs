using SubnetNotebooks.Plots;

namespace SubnetNotebooks.Tests.Plots;

public class TrainingCurvesTests
{
    [Fact]
    public void OneLinePerMemberAgainstEpochsFromOne()
    {
        var chart = TrainingCurves.Create("Training loss",
        [
            new MemberCurve("subnetwork 1", [2.3, 1.1, 0.7]),
            new MemberCurve("subnetwork 2", [2.2, 1.0]),
        ]);
        var traces = Figure.Traces(chart);

        Assert.Equal(2, traces.Length);
        Assert.Equal([1.0, 2.0, 3.0], Figure.Numbers(traces[0].GetProperty("x")));
        Assert.Equal([2.3, 1.1, 0.7], Figure.Numbers(traces[0].GetProperty("y")));
        Assert.Equal([1.0, 2.0], Figure.Numbers(traces[1].GetProperty("x")));
        Assert.Equal("subnetwork 2", traces[1].GetProperty("name").GetString());
        Assert.Equal("Epoch", Figure.AxisTitle(chart, "xaxis"));
        Assert.Equal("Training loss", Figure.AxisTitle(chart, "yaxis"));
        Assert.Equal("Training loss per epoch", Figure.Title(chart));
    }

    [Fact]
    public void RejectsNoMembers()
    {
        var e = Assert.Throws<ArgumentException>(() => TrainingCurves.Create("Loss", []));
        Assert.Contains("members", e.Message);
    }
}
