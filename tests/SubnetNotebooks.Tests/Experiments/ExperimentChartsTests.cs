using Plotly.NET;
using SubnetNotebooks.Experiments;
using SubnetNotebooks.Masking;
using SubnetNotebooks.Metrics;

namespace SubnetNotebooks.Tests.Experiments;

public class ExperimentChartsTests
{
    static string Json(GenericChart chart) => GenericChart.toJson(chart);

    [Fact]
    public void MaskHeatmapsMarkTheOwnerOfEveryUnit()
    {
        var partition = new SubnetworkPartition(2, MaskGranularity.Unit, new Dictionary<string, int> { ["fc1"] = 3, ["fc2"] = 2 },
            new Dictionary<string, int[]> { ["fc1"] = [1, 0, 1], ["fc2"] = [0, 1] }, new Dictionary<string, int[]>());
        var charts = ExperimentCharts.Masks(partition);
        Assert.Equal(2, charts.Count);
        Assert.Contains("\"z\":[[0.0,1.0],[1.0,0.0],[0.0,1.0]]", Json(charts[0]));
        Assert.Contains("\"z\":[[1.0,0.0],[0.0,1.0]]", Json(charts[1]));
        Assert.Contains("fc2", Json(charts[1]));
    }

    [Fact]
    public void QualityBySizeDrawsTheMetricOfTheFirstKMembers()
    {
        // Labels [0, 0]; member 1 gives the true class 0.5 and 0.25, member 2 gives 1.0 and 0.75.
        var test = new Predictions([0.5f, 0.5f, 0.25f, 0.75f, 1.0f, 0.0f, 0.75f, 0.25f], 2, 2, 2, [0, 0]);
        var json = Json(ExperimentCharts.QualityBySize([("subnet", test)], "brier"));
        // Brier k = 1: (0.25 + 0.25 + 0.5625 + 0.5625) / 2 = 0.8125; k = 2: mean [0.75, 0.25] and [0.5, 0.5]: (0.125 + 0.5) / 2 = 0.3125.
        Assert.Contains("\"x\":[1.0,2.0]", json);
        Assert.Contains("\"y\":[0.8125,0.3125]", json);
    }

    [Fact]
    public void OverlapSweepPlotsThreeSeriesAgainstMeasuredIoUInOrder()
    {
        // Two members, two samples, labels [0, 0]; both members right with probability 0.75 and 1.0 on sample 1 and 2.
        var preds = new Predictions([0.75f, 0.25f, 1f, 0f, 0.75f, 0.25f, 1f, 0f], 2, 2, 2, [0, 0]);
        var report = EvaluationReport.Evaluate(preds);
        var outcome = new MethodOutcome("overlap", 2, report, 10, 20, 1, 1, []);
        var json = Json(ExperimentCharts.OverlapSweep([new OverlapPoint(1.0, 0.3, outcome), new OverlapPoint(0.0, 0.0, outcome)]));
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Matches(json, "\"name\":").Count);
        Assert.Contains("\"x\":[0.0,0.3]", json);
        // Ensemble NLL: -(ln 0.75 + ln 1) / 2 = 0.1438410362; member accuracy 1; disagreement 0.
        Assert.Contains("\"y\":[1.0,1.0]", json);
        Assert.Contains("\"y\":[0.0,0.0]", json);
        Assert.Contains("0.14384103", json);
    }
}
