using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

namespace SubnetNotebooks.Plots;

/// <summary>
/// Reliability diagram: accuracy per confidence bin as bars, against the diagonal of perfect
/// calibration. Bars below the diagonal show over-confidence.
/// </summary>
public static class ReliabilityDiagram
{
    /// <summary>Builds the diagram from binned calibration statistics (empty bins are left out).</summary>
    /// <param name="binConfidence">[bins] mean confidence of the predictions in each bin, in [0, 1].</param>
    /// <param name="binAccuracy">[bins] accuracy of the predictions in each bin, in [0, 1].</param>
    /// <param name="binCount">[bins] number of predictions in each bin (shown on hover).</param>
    /// <param name="title">Chart title, e.g. "Subnetwork ensemble (ECE 1.9%)".</param>
    public static GenericChart Create(IReadOnlyList<double> binConfidence, IReadOnlyList<double> binAccuracy,
        IReadOnlyList<long> binCount, string title = "Reliability diagram")
    {
        const string chart = nameof(ReliabilityDiagram);
        ChartLayout.RequireSameLength(chart, "binConfidence", binConfidence.Count, "binAccuracy", binAccuracy.Count);
        ChartLayout.RequireSameLength(chart, "binConfidence", binConfidence.Count, "binCount", binCount.Count);
        ChartLayout.RequireNonEmpty(chart, "binConfidence", binConfidence.Count);

        var used = Enumerable.Range(0, binCount.Count).Where(i => binCount[i] > 0).ToArray();
        double width = 0.9 / binConfidence.Count;
        var bars = Chart.Column<double, double, string>(
            values: used.Select(i => binAccuracy[i]),
            Keys: used.Select(i => binConfidence[i]).ToArray(),
            Name: "Accuracy",
            MultiText: used.Select(i => $"n={binCount[i]}").ToArray(),
            Width: width);
        var diagonal = Chart.Line<double, double, string>(
            new[] { 0.0, 1.0 }, new[] { 0.0, 1.0 }, Name: "Perfect calibration",
            LineDash: StyleParam.DrawingStyle.Dash, LineColor: Color.fromString("gray"));
        return Chart.Combine(new[] { bars, diagonal })
            .Titled(title, "Confidence", "Accuracy")
            .WithXAxisStyle<double, double, string>(TitleText: "Confidence", MinMax: Tuple.Create(0.0, 1.0))
            .WithYAxisStyle<double, double, string>(TitleText: "Accuracy", MinMax: Tuple.Create(0.0, 1.0));
    }
}
