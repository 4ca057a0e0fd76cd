using Plotly.NET;
using SubnetNotebooks.Experiments;
using SubnetNotebooks.Masking;
using SubnetNotebooks.Metrics;
using Figure = SubnetNotebooks.Tests.Plots.Figure;
using System.Text.Json;

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

    // Two members, two samples, labels [0, 0]; the probability of class 0 per member and sample.
    // A: both members 0.75 and 1.0: accuracy 1, NLL -(ln 0.75)/2 = 0.1438410, ECE 0.25/2 = 0.125, Brier (0.0625 + 0.0625)/2 = 0.0625.
    static MethodOutcome A(string method = "deep") => Outcome(method, [0.75f, 0.25f, 1f, 0f, 0.75f, 0.25f, 1f, 0f]);
    // B: both members 0.25 and 1.0: accuracy 0.5, NLL -(ln 0.25)/2 = 0.6931472, ECE 0.75/2 = 0.375, Brier (0.5625 + 0.5625)/2 = 0.5625.
    static MethodOutcome B(string method = "subnet") => Outcome(method, [0.25f, 0.75f, 1f, 0f, 0.25f, 0.75f, 1f, 0f]);
    // C: member 1 0.75 and 1.0, member 2 0.375 and 1.0: ensemble 0.5625 and 1.0, NLL -(ln 0.5625)/2 = 0.2876821;
    // member accuracies 1 and 0.5 (mean 0.75); the members disagree on sample 1: disagreement 0.5.
    static MethodOutcome C(string method = "subnet") => Outcome(method, [0.75f, 0.25f, 1f, 0f, 0.375f, 0.625f, 1f, 0f]);

    static MethodOutcome Outcome(string method, float[] probabilities) =>
        new(method, 2, EvaluationReport.Evaluate(new Predictions(probabilities, 2, 2, 2, [0, 0])), 10, 20, 1, 1, []);

    static double[] Y(JsonElement trace) => trace.GetProperty("y").EnumerateArray().Select(e => e.GetDouble()).ToArray();

    [Fact]
    public void RiskCoverageDrawsEveryMethodsCurve()
    {
        // B's ensemble: sample 1 right at confidence 1.0, sample 0 wrong (class 1) at 0.75. Accepting one sample (coverage up to
        // 0.5) risks 0, both 1/2; AURC = (0 + 1/2) / 2 = 1/4. A's ensemble is right on both: risk 0 everywhere.
        var traces = Figure.Traces(ExperimentCharts.RiskCoverage([A(), B()]));
        Assert.Equal(2, traces.Length);
        Assert.StartsWith("deep (AURC", traces[0].GetProperty("name").GetString());
        Assert.StartsWith("subnet (AURC", traces[1].GetProperty("name").GetString());
        Assert.All(Y(traces[0]), y => Assert.Equal(0, y));
        double[] risk = Y(traces[1]);
        Assert.Equal(100, risk.Length);
        Assert.All(risk.Take(50), y => Assert.Equal(0, y));
        Assert.All(risk.Skip(50), y => Assert.Equal(0.5, y));
        Assert.Equal(0.25, B().Report.Test.Selective.Aurc, 12);
    }

    [Fact]
    public void QualityDrawsEachMetricInItsOwnPanelAndYAxis()
    {
        var chart = ExperimentCharts.Quality([A(), B()]);
        var traces = Figure.Traces(chart);

        Assert.Equal(["accuracy", "nll", "ece", "brier"], Figure.PanelTitles(chart));
        Assert.Equal(["y", "y2", "y3", "y4"], traces.Select(t => t.GetProperty("yaxis").GetString()));
        Assert.All(traces, t => Assert.Equal(["deep", "subnet"], Figure.Strings(t.GetProperty("x"))));
        double[][] expected = [[1.0, 0.5], [0.1438410, 0.6931472], [0.125, 0.375], [0.0625, 0.5625]];
        for (int k = 0; k < 4; k++)
            Assert.Equal(expected[k], Y(traces[k]), new Tolerance(1e-6));
    }

    [Fact]
    public void OverlapSweepDrawsThreePanelsAgainstMeasuredIoUWithTheSubnetworkEnsembleMarkedAtZero()
    {
        var chart = ExperimentCharts.OverlapSweep([new OverlapPoint(1.0, 0.3, A("overlap")), new OverlapPoint(0.0, 0.0, B("overlap"))], C());
        var traces = Figure.Traces(chart);

        Assert.Equal(["ensemble NLL", "mean member accuracy", "mean pairwise disagreement"], Figure.YAxisTitles(chart));
        Assert.Equal(6, traces.Length);
        var overlap = traces.Where(t => t.GetProperty("name").GetString() == ExperimentCharts.OverlapSeries).ToArray();
        var subnet = traces.Where(t => t.GetProperty("name").GetString() == ExperimentCharts.SubnetworkSeries).ToArray();
        Assert.Equal(3, overlap.Length);
        Assert.Equal(3, subnet.Length);
        // The sweep in order of IoU (B at 0, A at 0.3); the subnetwork ensemble a single point at IoU 0.
        Assert.All(overlap, t => Assert.Equal([0.0, 0.3], Figure.Numbers(t.GetProperty("x"))));
        Assert.All(subnet, t => Assert.Equal([0.0], Figure.Numbers(t.GetProperty("x"))));
        Assert.Equal([0.6931472, 0.1438410], Y(overlap[0]), new Tolerance(1e-6));
        Assert.Equal([0.5, 1.0], Y(overlap[1]), new Tolerance(1e-9));
        Assert.Equal([0.0, 0.0], Y(overlap[2]), new Tolerance(1e-9));
        Assert.Equal([0.2876821], Y(subnet[0]), new Tolerance(1e-6));
        Assert.Equal([0.75], Y(subnet[1]), new Tolerance(1e-9));
        Assert.Equal([0.5], Y(subnet[2]), new Tolerance(1e-9));
        // Its own marker, and one legend entry per kind of point.
        Assert.NotEqual(overlap[0].GetProperty("marker").GetProperty("symbol").GetString(), subnet[0].GetProperty("marker").GetProperty("symbol").GetString());
        Assert.Equal(1, overlap.Count(t => t.GetProperty("showlegend").GetBoolean()));
        Assert.Equal(1, subnet.Count(t => t.GetProperty("showlegend").GetBoolean()));
    }

    [Fact]
    public void OverlapSweepWithoutTheSubnetworkEnsembleDrawsTheSweepAlone()
    {
        var traces = Figure.Traces(ExperimentCharts.OverlapSweep([new OverlapPoint(0.0, 0.0, A("overlap"))]));
        Assert.Equal(3, traces.Length);
        Assert.All(traces, t => Assert.Equal(ExperimentCharts.OverlapSeries, t.GetProperty("name").GetString()));
    }

    sealed class Tolerance(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(double value) => 0;
    }
}
