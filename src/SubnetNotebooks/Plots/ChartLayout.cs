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
    /// Small multiples: the panels side by side (<paramref name="columns"/> per row), each keeping its own axes and axis titles,
    /// with <paramref name="panelTitles"/> above them, the chart title on top, the legend to the right of the plots (never on an
    /// axis title) and a height that grows with the rows.
    /// </summary>
    /// <param name="title">Chart title.</param>
    /// <param name="panels">One chart per panel, axis titles already set.</param>
    /// <param name="panelTitles">[panels] the title of each panel.</param>
    /// <param name="columns">Panels per row (at most the number of panels).</param>
    /// <param name="rowHeight">Height of one row of panels in pixels.</param>
    /// <param name="xGap">Space between columns as a fraction of a panel's width (room for the y ticks and title of the next).</param>
    public static GenericChart Grid(string title, IReadOnlyList<GenericChart> panels, IReadOnlyList<string> panelTitles, int columns = 2, int rowHeight = 300,
        double xGap = 0.12)
    {
        RequireNonEmpty(nameof(Grid), "panels", panels.Count);
        RequireSameLength(nameof(Grid), "panels", panels.Count, "panelTitles", panelTitles.Count);
        columns = Math.Clamp(columns, 1, panels.Count);
        int rows = (panels.Count + columns - 1) / columns;
        var grid = Plotly.NET.CSharp.Chart.Grid(panels, rows, columns, SubPlotTitles: panelTitles.ToArray(),
            Pattern: StyleParam.LayoutGridPattern.Independent, YGap: rows > 1 ? 0.45 : 0.2, XGap: xGap);
        return Plotly.NET.Chart.withTitle(title, null).Invoke(grid).WithSize(Width, Math.Max(Height, rowHeight * rows + 140));
    }

    /// <summary>
    /// Makes a grid's panels read as one figure on common axes: the y tick labels and y title only on the first panel of each
    /// row, and, when <paramref name="match"/>, every axis tied to the first panel's (plotly.js <c>matches</c>), so every panel
    /// shows the same ranges and zooming one zooms all.
    /// </summary>
    /// <param name="grid">a chart made by <see cref="Grid"/></param>
    /// <param name="panels">how many panels it has</param>
    /// <param name="columns">panels per row, as given to <see cref="Grid"/></param>
    /// <param name="match">true to tie the ranges of all x axes and of all y axes</param>
    public static GenericChart ShareAxes(GenericChart grid, int panels, int columns, bool match = true)
    {
        var layout = GenericChart.getLayout(grid);
        for (int k = 2; k <= panels; k++)
            foreach (var axis in new[] { "x", "y" })
            {
                if (layout.TryGetPropertyValue($"{axis}axis{k}") is not { } found || found.Value is not DynamicObj.DynamicObj style) continue;
                if (match) style.SetProperty("matches", axis);
                if (axis == "y" && (k - 1) % columns != 0)
                {
                    style.SetProperty("showticklabels", false);
                    style.RemoveProperty("title");
                }
            }
        return grid;
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
