using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

namespace SubnetNotebooks.Plots;

/// <summary>Grouped bar chart of methods against metrics: one group per method, one bar colour per metric.</summary>
public static class MethodBars
{
    /// <summary>Builds one bar trace per metric over the methods.</summary>
    /// <param name="title">Chart title, e.g. "Fashion-MNIST, M=4".</param>
    /// <param name="methods">[methods] group labels on the x axis, e.g. "Single", "MC dropout".</param>
    /// <param name="metrics">[metrics] legend entries, e.g. "Accuracy", "ECE".</param>
    /// <param name="values">[methods, metrics] the value of each metric for each method.</param>
    /// <param name="yTitle">Y axis title.</param>
    public static GenericChart Create(string title, IReadOnlyList<string> methods, IReadOnlyList<string> metrics,
        double[,] values, string yTitle = "Value")
    {
        const string chart = nameof(MethodBars);
        ChartLayout.RequireSameLength(chart, "methods", methods.Count, "values rows", values.GetLength(0));
        ChartLayout.RequireSameLength(chart, "metrics", metrics.Count, "values columns", values.GetLength(1));
        ChartLayout.RequireNonEmpty(chart, "metrics", metrics.Count);
        var traces = Enumerable.Range(0, metrics.Count).Select(k =>
            Chart.Column<double, string, string>(
                values: Enumerable.Range(0, methods.Count).Select(m => values[m, k]).ToArray(),
                Keys: methods.ToArray(),
                Name: metrics[k]));
        return Chart.Combine(traces).Titled(title, "Method", yTitle);
    }
}
