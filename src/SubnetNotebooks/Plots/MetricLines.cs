using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

namespace SubnetNotebooks.Plots;

/// <summary>
/// A line chart with several series: a metric against ensemble size, corruption severity,
/// mask overlap or epoch, one line per method.
/// </summary>
public static class MetricLines
{
    /// <summary>Builds one line (with markers) per series; a method's series in the kit's method order and colour (<see cref="MethodPalette"/>).</summary>
    /// <param name="title">Chart title.</param>
    /// <param name="xTitle">X axis title, e.g. "Ensemble size M".</param>
    /// <param name="yTitle">Y axis title, e.g. "Accuracy".</param>
    /// <param name="series">The lines; each has parallel X and Y arrays.</param>
    public static GenericChart Create(string title, string xTitle, string yTitle, IReadOnlyList<LineSeries> series)
    {
        ChartLayout.RequireNonEmpty(nameof(MetricLines), "series", series.Count);
        var ordered = MethodPalette.Ordered(series, s => s.Name);
        var colours = MethodPalette.Assign(ordered.Select(s => s.Name).ToArray());
        var traces = ordered.Select((s, i) =>
        {
            ChartLayout.RequireSameLength($"{nameof(MetricLines)} series '{s.Name}'", "X", s.X.Count, "Y", s.Y.Count);
            var colour = Color.fromString(colours[i]);
            return Chart.Line<double, double, string>(s.X, s.Y, ShowMarkers: true, Name: s.Name, LineColor: colour, MarkerColor: colour);
        });
        return Chart.Combine(traces).Titled(title, xTitle, yTitle);
    }

    static readonly StyleParam.MarkerSymbol[] Symbols =
        [StyleParam.MarkerSymbol.Circle, StyleParam.MarkerSymbol.Star, StyleParam.MarkerSymbol.Diamond, StyleParam.MarkerSymbol.Square, StyleParam.MarkerSymbol.TriangleUp];

    /// <summary>
    /// Small multiples: one panel (own y axis) per metric, all against the same x. A series keeps one colour and
    /// marker symbol in every panel (a method's colour from <see cref="MethodPalette"/>) and appears once in the legend; a series
    /// of one point is a large lone marker.
    /// </summary>
    /// <param name="title">Chart title.</param>
    /// <param name="xTitle">X axis title of every panel.</param>
    /// <param name="panels">The panels, each with its y title and lines.</param>
    /// <param name="columns">panels per row</param>
    public static GenericChart Panels(string title, string xTitle, IReadOnlyList<MetricPanel> panels, int columns = 2)
    {
        ChartLayout.RequireNonEmpty($"{nameof(MetricLines)}.{nameof(Panels)}", "panels", panels.Count);
        var names = MethodPalette.Ordered(panels.SelectMany(p => p.Series.Select(s => s.Name)).Distinct(), n => n).ToList();
        var colours = MethodPalette.Assign(names);
        var shown = new HashSet<string>();
        var charts = panels.Select(panel =>
        {
            ChartLayout.RequireNonEmpty($"{nameof(MetricLines)} panel '{panel.YTitle}'", "series", panel.Series.Count);
            var traces = MethodPalette.Ordered(panel.Series, s => s.Name).Select(s =>
            {
                ChartLayout.RequireSameLength($"{nameof(MetricLines)} series '{s.Name}'", "X", s.X.Count, "Y", s.Y.Count);
                int i = names.IndexOf(s.Name);
                var colour = Color.fromString(colours[i]);
                var marker = new Plotly.NET.TraceObjects.Marker();
                marker.SetProperty("size", s.X.Count == 1 ? 16 : 8);
                return Chart.Line<double, double, string>(s.X, s.Y, ShowMarkers: true, Name: s.Name, ShowLegend: shown.Add(s.Name),
                        LineColor: colour, Marker: marker, MarkerColor: colour, MarkerSymbol: Symbols[i % Symbols.Length])
                    .WithTraceInfo(LegendGroup: s.Name);
            }).ToArray();
            return Chart.Combine(traces).WithXAxisStyle<double, double, string>(TitleText: xTitle).WithYAxisStyle<double, double, string>(TitleText: panel.YTitle);
        }).ToArray();
        return ChartLayout.Grid(title, charts, panels.Select(p => p.YTitle).ToArray(), columns);
    }
}
