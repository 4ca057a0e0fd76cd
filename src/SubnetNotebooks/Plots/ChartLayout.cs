using Plotly.NET;
using Plotly.NET.CSharp;

namespace SubnetNotebooks.Plots;

/// <summary>Shared finishing touches for every chart of the kit: title, axis titles, size.</summary>
public static class ChartLayout
{
    /// <summary>Default width of a chart in pixels.</summary>
    public const int Width = 720;

    /// <summary>Default height of a chart in pixels.</summary>
    public const int Height = 440;

    /// <summary>Sets the chart title and the x and y axis titles (null leaves an axis untitled) and the default size.</summary>
    public static GenericChart Titled(this GenericChart chart, string title, string? xTitle, string? yTitle)
    {
        chart = Plotly.NET.Chart.withTitle(title, null).Invoke(chart);
        if (xTitle is not null) chart = chart.WithXAxisStyle<double, double, string>(TitleText: xTitle);
        if (yTitle is not null) chart = chart.WithYAxisStyle<double, double, string>(TitleText: yTitle);
        return chart.WithSize(Width, Height);
    }

    /// <summary>
    /// Small multiples: the panels side by side (two per row), each keeping its own axes and axis titles, with
    /// <paramref name="panelTitles"/> above them, the chart title on top, the legend below and a height that grows with the rows.
    /// </summary>
    /// <param name="title">Chart title.</param>
    /// <param name="panels">One chart per panel, axis titles already set.</param>
    /// <param name="panelTitles">[panels] the title of each panel.</param>
    public static GenericChart Grid(string title, IReadOnlyList<GenericChart> panels, IReadOnlyList<string> panelTitles)
    {
        RequireNonEmpty(nameof(Grid), "panels", panels.Count);
        RequireSameLength(nameof(Grid), "panels", panels.Count, "panelTitles", panelTitles.Count);
        int columns = Math.Min(2, panels.Count), rows = (panels.Count + columns - 1) / columns;
        var grid = Plotly.NET.CSharp.Chart.Grid(panels, rows, columns, SubPlotTitles: panelTitles.ToArray(),
            Pattern: StyleParam.LayoutGridPattern.Independent, YGap: 0.45);
        return Plotly.NET.Chart.withTitle(title, null).Invoke(grid).WithSize(Width, Math.Max(Height, 300 * rows + 120))
            .WithLegendStyle(Orientation: StyleParam.Orientation.Horizontal, X: 0, Y: -0.12, YAnchor: StyleParam.YAnchorPosition.Top);
    }

    /// <summary>A value as written on a chart: up to four significant decimals, invariant culture (0.9123, 0.0412).</summary>
    public static string Format(double value) =>
        double.IsFinite(value) ? value.ToString(Math.Abs(value) >= 100 ? "0.#" : "0.####", System.Globalization.CultureInfo.InvariantCulture) : "n/a";

    /// <summary>Throws when two parallel inputs differ in length, naming both.</summary>
    internal static void RequireSameLength(string chart, string nameA, int a, string nameB, int b)
    {
        if (a != b)
            throw new ArgumentException(
                $"{chart}: {nameA} has {a} entries but {nameB} has {b}; they must be parallel arrays of the same length.");
    }

    /// <summary>Throws when an input is empty.</summary>
    internal static void RequireNonEmpty(string chart, string name, int count)
    {
        if (count == 0) throw new ArgumentException($"{chart}: {name} is empty; pass at least one entry.");
    }
}
