using Microsoft.FSharp.Core;
using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

namespace SubnetNotebooks.Plots;

/// <summary>Methods against metrics: a grouped bar chart (one bar colour per metric, one shared y axis) or small multiples (one panel and y axis per metric).</summary>
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
    /// <param name="title">Chart title.</param>
    /// <param name="methods">[methods] group labels on the x axis.</param>
    /// <param name="metrics">[metrics] legend entries.</param>
    /// <param name="values">[methods, metrics] the value of each metric for each method.</param>
    /// <param name="errors">[methods, metrics] half-length of each bar's error bar, e.g. the standard deviation over seeds (NaN: none); null for no error bars</param>
    /// <param name="yTitle">Y axis title.</param>
    public static GenericChart Create(string title, IReadOnlyList<string> methods, IReadOnlyList<string> metrics,
        double[,] values, double[,]? errors, string yTitle = "Value")
    {
        Validate(methods, metrics, values, errors);
        var traces = Enumerable.Range(0, metrics.Count).Select(k => Bars(methods, metrics[k], values, errors, k, legend: true, dots: false));
        // One bar colour per metric; the methods stand on the x axis in the kit's order.
        return Chart.Combine(traces).Titled(title, "Method", yTitle);
    }

    /// <summary>
    /// Small multiples: one panel per metric, side by side over the page's width, each with its own y axis fitted to that
    /// metric's values (so a difference of 0.01 is visible), the methods along every x axis in the kit's order as dots in their
    /// colours, with the values written above them inside the plot.
    /// </summary>
    /// <param name="title">Chart title.</param>
    /// <param name="methods">[methods] bar labels of every panel.</param>
    /// <param name="metrics">[metrics] panel titles and y axis titles, e.g. "accuracy", "nll".</param>
    /// <param name="values">[methods, metrics] the value of each metric for each method.</param>
    /// <param name="errors">[methods, metrics] error bar half-lengths (NaN: none), or null for none.</param>
    public static GenericChart Panels(string title, IReadOnlyList<string> methods, IReadOnlyList<string> metrics, double[,] values, double[,]? errors = null)
    {
        Validate(methods, metrics, values, errors);
        var order = Order(methods);
        // Each panel's title names its metric, so the y axes carry none (a y title would sit over the panel to its left). The x
        // range leaves room for the first and last labels, which may also reach into the gap beside the panel (cliponaxis).
        var panels = Enumerable.Range(0, metrics.Count).Select(k => Bars(methods, metrics[k], values, errors, k, legend: false, dots: true, order)
            .WithYAxisStyle<double, double, string>(MinMax: PaddedRange(methods, values, errors, k))
            .WithXAxisStyle<double, double, string>(MinMax: Tuple.Create(-0.75, methods.Count - 0.25))).ToArray();
        return ChartLayout.Grid(title, panels, metrics, columns: Math.Min(4, metrics.Count), rowHeight: 360, xGap: 0.3);
    }

    /// <summary>Row indices of <paramref name="methods"/> in the kit's method order.</summary>
    static int[] Order(IReadOnlyList<string> methods) =>
        MethodPalette.Ordered(Enumerable.Range(0, methods.Count), i => methods[i]).ToArray();

    /// <summary>The y range of metric <paramref name="k"/>: its values (and error bars) with room above and below for the labels.</summary>
    static Tuple<double, double> PaddedRange(IReadOnlyList<string> methods, double[,] values, double[,]? errors, int k)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        for (int m = 0; m < methods.Count; m++)
        {
            double v = values[m, k], e = errors is not null && double.IsFinite(errors[m, k]) ? errors[m, k] : 0;
            if (!double.IsFinite(v)) continue;
            lo = Math.Min(lo, v - e);
            hi = Math.Max(hi, v + e);
        }
        if (!double.IsFinite(lo)) return Tuple.Create(0.0, 1.0);
        double span = hi - lo > 0 ? hi - lo : Math.Max(Math.Abs(hi), 1e-3) * 0.1;
        return Tuple.Create(lo - 0.3 * span, hi + 0.3 * span);
    }

    static void Validate(IReadOnlyList<string> methods, IReadOnlyList<string> metrics, double[,] values, double[,]? errors)
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
    }

    /// <summary>Metric <paramref name="k"/> over the methods as bars (from zero), or as labelled dots (axis fitted to the values), with error bars when given.</summary>
    static GenericChart Bars(IReadOnlyList<string> methods, string metric, double[,] values, double[,]? errors, int k, bool legend, bool dots, int[]? order = null)
    {
        order ??= Order(methods);
        var names = order.Select(m => methods[m]).ToArray();
        var y = order.Select(m => values[m, k]).ToArray();
        GenericChart bars;
        if (dots)
        {
            var colours = MethodPalette.Assign(names).Select(Color.fromString).ToArray();
            var marker = new Plotly.NET.TraceObjects.Marker();
            marker.SetProperty("size", 12);
            bars = Chart.Scatter<string, double, string>(x: names, y: y, mode: StyleParam.Mode.Markers_Text, Name: metric, ShowLegend: legend,
                // Labels alternate above and below the dots, so neighbours with close values do not write over each other.
                MultiText: y.Select(ChartLayout.Format).ToArray(),
                MultiTextPosition: y.Select((_, i) => i % 2 == 0 ? StyleParam.TextPosition.TopCenter : StyleParam.TextPosition.BottomCenter).ToArray(), Marker: marker,
                MarkerColor: Color.fromColors(colours));
            GenericChart.getTraces(bars)[0].SetProperty("cliponaxis", false);
        }
        else bars = Chart.Column<double, string, string>(values: y, Keys: names, Name: metric, ShowLegend: legend);
        if (errors is null) return bars;
        var lengths = order.Select(m => double.IsFinite(errors[m, k]) ? errors[m, k] : 0).ToArray();
        // F# optional arguments: null is None.
        return Plotly.NET.Chart.withYErrorStyle<double, double>(FSharpOption<bool>.Some(true), FSharpOption<StyleParam.ErrorType>.Some(StyleParam.ErrorType.Data),
            FSharpOption<bool>.Some(true), FSharpOption<IEnumerable<double>>.Some(lengths), null, null, null, null, null, null, null, null, null).Invoke(bars);
    }
}
