using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

namespace SubnetNotebooks.Plots;

/// <summary>ROC curves of several detectors (e.g. each method's OOD score) in one chart, against the chance diagonal.</summary>
public static class RocCurves
{
    /// <summary>One line per curve (a method's in its colour, <see cref="MethodPalette"/>), the false-positive rate on x and the true-positive rate on y.</summary>
    /// <param name="title">Chart title.</param>
    /// <param name="curves">One series per detector: X the false-positive rates, Y the true-positive rates, both in [0, 1]; the name is its legend entry.</param>
    public static GenericChart Create(string title, IReadOnlyList<LineSeries> curves)
    {
        ChartLayout.RequireNonEmpty(nameof(RocCurves), "curves", curves.Count);
        var ordered = MethodPalette.Ordered(curves, c => c.Name);
        var colours = MethodPalette.Assign(ordered.Select(c => c.Name).ToArray());
        var lines = ordered.Select((c, i) =>
        {
            ChartLayout.RequireSameLength($"{nameof(RocCurves)} curve '{c.Name}'", "X", c.X.Count, "Y", c.Y.Count);
            return Chart.Line<double, double, string>(c.X, c.Y, Name: c.Name, LineColor: Color.fromString(colours[i]), LineWidth: 2.5);
        }).Append(Chart.Line<double, double, string>(new[] { 0.0, 1.0 }, new[] { 0.0, 1.0 }, Name: "chance",
            LineDash: StyleParam.DrawingStyle.Dash, LineColor: Color.fromString("gray")));
        return Chart.Combine(lines).Titled(title, "false-positive rate (in-distribution flagged)", "true-positive rate (OOD flagged)")
            .WithXAxisStyle<double, double, string>(TitleText: "false-positive rate (in-distribution flagged)", MinMax: Tuple.Create(0.0, 1.0))
            .WithYAxisStyle<double, double, string>(TitleText: "true-positive rate (OOD flagged)", MinMax: Tuple.Create(0.0, 1.0));
    }
}
