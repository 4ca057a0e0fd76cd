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
    /// <summary>Builds one line (with markers) per series.</summary>
    /// <param name="title">Chart title.</param>
    /// <param name="xTitle">X axis title, e.g. "Ensemble size M".</param>
    /// <param name="yTitle">Y axis title, e.g. "Accuracy".</param>
    /// <param name="series">The lines; each has parallel X and Y arrays.</param>
    public static GenericChart Create(string title, string xTitle, string yTitle, IReadOnlyList<LineSeries> series)
    {
        ChartLayout.RequireNonEmpty(nameof(MetricLines), "series", series.Count);
        var traces = series.Select(s =>
        {
            ChartLayout.RequireSameLength($"{nameof(MetricLines)} series '{s.Name}'", "X", s.X.Count, "Y", s.Y.Count);
            return Chart.Line<double, double, string>(s.X, s.Y, ShowMarkers: true, Name: s.Name);
        });
        return Chart.Combine(traces).Titled(title, xTitle, yTitle);
    }
}
