using Microsoft.FSharp.Core;
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
        double[,] values, string yTitle = "Value") => Create(title, methods, metrics, values, null, yTitle);

    /// <summary>As <see cref="Create(string, IReadOnlyList{string}, IReadOnlyList{string}, double[,], string)"/> with a symmetric error bar on every bar.</summary>
    /// <param name="errors">[methods, metrics] half-length of each bar's error bar, e.g. the standard deviation over seeds (NaN: none); null for no error bars</param>
    public static GenericChart Create(string title, IReadOnlyList<string> methods, IReadOnlyList<string> metrics,
        double[,] values, double[,]? errors, string yTitle = "Value")
    {
        const string chart = nameof(MethodBars);
        ChartLayout.RequireSameLength(chart, "methods", methods.Count, "values rows", values.GetLength(0));
        ChartLayout.RequireSameLength(chart, "metrics", metrics.Count, "values columns", values.GetLength(1));
        ChartLayout.RequireNonEmpty(chart, "metrics", metrics.Count);
        if (errors is not null)
        {
            ChartLayout.RequireSameLength(chart, "methods", methods.Count, "errors rows", errors.GetLength(0));
            ChartLayout.RequireSameLength(chart, "metrics", metrics.Count, "errors columns", errors.GetLength(1));
        }
        var traces = Enumerable.Range(0, metrics.Count).Select(k =>
        {
            var bars = Chart.Column<double, string, string>(
                values: Enumerable.Range(0, methods.Count).Select(m => values[m, k]).ToArray(),
                Keys: methods.ToArray(),
                Name: metrics[k]);
            if (errors is null) return bars;
            var lengths = Enumerable.Range(0, methods.Count).Select(m => double.IsFinite(errors[m, k]) ? errors[m, k] : 0).ToArray();
            // F# optional arguments: null is None.
            return Plotly.NET.Chart.withYErrorStyle<double, double>(FSharpOption<bool>.Some(true), FSharpOption<StyleParam.ErrorType>.Some(StyleParam.ErrorType.Data),
                FSharpOption<bool>.Some(true), FSharpOption<IEnumerable<double>>.Some(lengths), null, null, null, null, null, null, null, null, null).Invoke(bars);
        });
        return Chart.Combine(traces).Titled(title, "Method", yTitle);
    }
}
