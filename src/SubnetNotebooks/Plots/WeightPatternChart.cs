using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

namespace SubnetNotebooks.Plots;

/// <summary>A heatmap of the weights one layer's mask keeps (<see cref="Masking.WeightPattern"/>): white where a weight is unused.</summary>
public static class WeightPatternChart
{
    /// <summary>One layer's weight pattern: rows are output units, columns input units.</summary>
    /// <param name="title">chart title</param>
    /// <param name="pattern">[outputs, inputs] 0 where unused, else the member label (or 1)</param>
    public static GenericChart Create(string title, double[,] pattern)
    {
        int outputs = pattern.GetLength(0), inputs = pattern.GetLength(1);
        ChartLayout.RequireNonEmpty($"{nameof(WeightPatternChart)}.{nameof(Create)} '{title}'", "pattern", outputs * inputs);
        var z = Enumerable.Range(0, outputs).Select(o => Enumerable.Range(0, inputs).Select(i => pattern[o, i]).ToArray()).ToArray();
        var heatmap = Chart.Heatmap<double, int, int, string>(zData: z, X: Enumerable.Range(0, inputs).ToArray(), Y: Enumerable.Range(0, outputs).ToArray(),
            ColorScale: StyleParam.Colorscale.Greys, ReverseScale: true, ShowScale: false, ReverseYAxis: true);
        return heatmap.Titled(title, "input unit", "output unit");
    }
}
