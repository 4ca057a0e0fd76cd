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

    /// <summary>
    /// The reliability diagrams of several methods as one grid of small multiples (up to four a row) on shared axes, both
    /// [0, 1], each panel in its method's colour with its ECE in the title, so the methods compare at a glance.
    /// </summary>
    /// <param name="title">Chart title.</param>
    /// <param name="panels">One panel per method, in any order (drawn in the kit's method order).</param>
    public static GenericChart Grid(string title, IReadOnlyList<ReliabilityPanel> panels)
    {
        ChartLayout.RequireNonEmpty($"{nameof(ReliabilityDiagram)}.{nameof(Grid)}", "panels", panels.Count);
        var ordered = MethodPalette.Ordered(panels, p => p.Name);
        var colours = MethodPalette.Assign(ordered.Select(p => p.Name).ToArray());
        var charts = ordered.Select((p, i) =>
        {
            ChartLayout.RequireSameLength($"{nameof(ReliabilityDiagram)} panel '{p.Name}'", "BinConfidence", p.BinConfidence.Count, "BinAccuracy", p.BinAccuracy.Count);
            ChartLayout.RequireSameLength($"{nameof(ReliabilityDiagram)} panel '{p.Name}'", "BinConfidence", p.BinConfidence.Count, "BinCount", p.BinCount.Count);
            var used = Enumerable.Range(0, p.BinCount.Count).Where(b => p.BinCount[b] > 0).ToArray();
            var bars = Chart.Column<double, double, string>(values: used.Select(b => p.BinAccuracy[b]), Keys: used.Select(b => p.BinConfidence[b]).ToArray(),
                Name: p.Name, ShowLegend: false, Width: 0.9 / Math.Max(1, p.BinConfidence.Count), MarkerColor: Color.fromString(colours[i]));
            // The count of each bin on hover only: written on the bars it is too small to read.
            foreach (var trace in GenericChart.getTraces(bars)) trace.SetProperty("hovertext", used.Select(b => $"n={p.BinCount[b]}").ToArray());
            var diagonal = Chart.Line<double, double, string>(new[] { 0.0, 1.0 }, new[] { 0.0, 1.0 }, Name: "perfect calibration", ShowLegend: i == 0,
                LineDash: StyleParam.DrawingStyle.Dash, LineColor: Color.fromString("gray")).WithTraceInfo(LegendGroup: "perfect calibration");
            return Chart.Combine(new[] { bars, diagonal })
                .WithXAxisStyle<double, double, string>(TitleText: "confidence", MinMax: Tuple.Create(0.0, 1.0))
                .WithYAxisStyle<double, double, string>(TitleText: "accuracy", MinMax: Tuple.Create(0.0, 1.0));
        }).ToArray();
        int columns = Math.Min(4, ordered.Count);
        var grid = ChartLayout.Grid(title, charts, ordered.Select(p => $"{p.Name} · ECE {ChartLayout.Format(p.Ece)}").ToArray(), columns, rowHeight: 340);
        return ChartLayout.ShareAxes(grid, charts.Length, columns);
    }
}

/// <summary>One method's binned calibration for <see cref="ReliabilityDiagram.Grid"/>.</summary>
/// <param name="Name">the method (its colour and place come from <see cref="MethodPalette"/>)</param>
/// <param name="BinConfidence">[bins] mean confidence per bin</param>
/// <param name="BinAccuracy">[bins] accuracy per bin</param>
/// <param name="BinCount">[bins] predictions per bin (empty bins are left out)</param>
/// <param name="Ece">the expected calibration error, written in the panel's title</param>
public sealed record ReliabilityPanel(string Name, IReadOnlyList<double> BinConfidence, IReadOnlyList<double> BinAccuracy, IReadOnlyList<long> BinCount, double Ece);
