using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

namespace SubnetNotebooks.Plots;

/// <summary>One labelled point of a trade-off plot, e.g. a method at (cost, accuracy).</summary>
/// <param name="Label">Text drawn beside the point, e.g. "M=4".</param>
/// <param name="X">X value, e.g. training cost in GFLOPs or pairwise disagreement.</param>
/// <param name="Y">Y value, e.g. accuracy.</param>
/// <param name="Group">Legend group (one colour per group), e.g. the method; null makes the point a group of its own, named by its label.</param>
public sealed record LabelledPoint(string Label, double X, double Y, string? Group = null);

/// <summary>Scatter of quality against cost or against diversity, every point labelled.</summary>
public static class TradeoffScatter
{
    /// <summary>Builds one marker trace per group (a method's in its colour and place, <see cref="MethodPalette"/>), with each point's label drawn above it.</summary>
    /// <param name="title">Chart title.</param>
    /// <param name="xTitle">X axis title, e.g. "Training cost (GPU hours)".</param>
    /// <param name="yTitle">Y axis title, e.g. "Accuracy".</param>
    /// <param name="points">The points.</param>
    public static GenericChart Create(string title, string xTitle, string yTitle, IReadOnlyList<LabelledPoint> points)
    {
        ChartLayout.RequireNonEmpty(nameof(TradeoffScatter), "points", points.Count);
        var groups = MethodPalette.Ordered(points.GroupBy(p => p.Group ?? p.Label), g => g.Key);
        var colours = MethodPalette.Assign(groups.Select(g => g.Key).ToArray());
        var traces = groups.Select((g, i) =>
            Chart.Scatter<double, double, string>(
                x: g.Select(p => p.X).ToArray(),
                y: g.Select(p => p.Y).ToArray(),
                mode: StyleParam.Mode.Markers_Text,
                Name: g.Key,
                MultiText: g.Select(p => p.Label).ToArray(),
                TextPosition: StyleParam.TextPosition.TopCenter,
                MarkerColor: Color.fromString(colours[i]), Marker: Marker(12)));
        return Chart.Combine(traces).Titled(title, xTitle, yTitle);
    }

    /// <summary>A marker of <paramref name="size"/> pixels.</summary>
    internal static Plotly.NET.TraceObjects.Marker Marker(int size)
    {
        var marker = new Plotly.NET.TraceObjects.Marker();
        marker.SetProperty("size", size);
        return marker;
    }
}
