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
