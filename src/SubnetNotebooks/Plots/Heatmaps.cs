using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

namespace SubnetNotebooks.Plots;

/// <summary>
/// Heatmaps of the kit: which member owns each unit of a layer (the non-overlapping masks), and
/// pairwise matrices between members (prediction disagreement, KL divergence).
/// </summary>
public static class Heatmaps
{
    /// <summary>
    /// The masks of one layer: cell (unit, member) is 1 when the unit belongs to that member's
    /// subnetwork. With non-overlapping masks every row has at most one 1.
    /// </summary>
    /// <param name="layer">Layer name, e.g. "conv2"; used in the title.</param>
    /// <param name="mask">[units, members] 0/1 (or keep-probability) per unit and member.</param>
    public static GenericChart Mask(string layer, float[,] mask)
    {
        int units = mask.GetLength(0), members = mask.GetLength(1);
        ChartLayout.RequireNonEmpty($"{nameof(Heatmaps)}.{nameof(Mask)} '{layer}'", "mask", units * members);
        var z = Enumerable.Range(0, units).Select(u => Enumerable.Range(0, members).Select(m => (double)mask[u, m]).ToArray()).ToArray();
        var heatmap = Chart.Heatmap<double, string, int, string>(
            zData: z,
            X: Enumerable.Range(1, members).Select(m => $"member {m}").ToArray(),
            Y: Enumerable.Range(0, units).ToArray(),
            ColorScale: StyleParam.Colorscale.Greys, ReverseScale: true, ShowScale: false);
        return heatmap.Titled($"Masks of {layer}: unit ownership per member", "Member", "Unit");
    }

    /// <summary>
    /// A square matrix between members, e.g. pairwise prediction disagreement or KL divergence;
    /// each cell's value is written in the cell.
    /// </summary>
    /// <param name="title">Chart title, e.g. "Pairwise disagreement".</param>
    /// <param name="labels">[members] member names, used for both axes.</param>
    /// <param name="matrix">[members, members] value for (row member, column member).</param>
    public static GenericChart Pairwise(string title, IReadOnlyList<string> labels, double[,] matrix)
    {
        const string chart = $"{nameof(Heatmaps)}.{nameof(Pairwise)}";
        ChartLayout.RequireSameLength(chart, "labels", labels.Count, "matrix rows", matrix.GetLength(0));
        ChartLayout.RequireSameLength(chart, "labels", labels.Count, "matrix columns", matrix.GetLength(1));
        ChartLayout.RequireNonEmpty(chart, "labels", labels.Count);
        int n = labels.Count;
        var z = Enumerable.Range(0, n).Select(r => Enumerable.Range(0, n).Select(c => matrix[r, c]).ToArray()).ToArray();
        var text = z.Select(row => row.Select(v => v.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToArray();
        // Each cell's value is written in the cell (one layout annotation per cell), not only shown on hover.
        var heatmap = Chart.AnnotatedHeatmap<double, string, string, string>(
            zData: z, annotationText: text, X: labels.ToArray(), Y: labels.ToArray(), MultiText: text.SelectMany(r => r).ToArray(),
            ColorScale: StyleParam.Colorscale.Viridis, ReverseYAxis: true);
        return heatmap.Titled(title, null, null);
    }

    /// <summary>
    /// Several square matrices between members side by side in one row (e.g. each method's pairwise disagreement), on one
    /// colour scale from 0 to the largest value off the diagonal, with one colour bar and the diagonal (a member against
    /// itself) left blank, so the colours are spent on the pairs; each cell's value is written in it.
    /// </summary>
    /// <param name="title">Chart title, e.g. "Pairwise disagreement".</param>
    /// <param name="panels">One matrix per panel: its title (e.g. the method), member labels and [members, members] values.</param>
    public static GenericChart PairwiseRow(string title, IReadOnlyList<PairwiseMatrix> panels)
    {
        const string chart = $"{nameof(Heatmaps)}.{nameof(PairwiseRow)}";
        ChartLayout.RequireNonEmpty(chart, "panels", panels.Count);
        var ordered = MethodPalette.Ordered(panels, p => p.Title);
        double max = 0;
        foreach (var p in ordered)
        {
            ChartLayout.RequireSameLength($"{chart} '{p.Title}'", "labels", p.Labels.Count, "matrix rows", p.Matrix.GetLength(0));
            ChartLayout.RequireSameLength($"{chart} '{p.Title}'", "labels", p.Labels.Count, "matrix columns", p.Matrix.GetLength(1));
            for (int r = 0; r < p.Labels.Count; r++)
                for (int c = 0; c < p.Labels.Count; c++)
                    if (r != c && double.IsFinite(p.Matrix[r, c])) max = Math.Max(max, p.Matrix[r, c]);
        }
        if (max <= 0) max = 1;
        var charts = ordered.Select((p, i) =>
        {
            int n = p.Labels.Count;
            var heatmap = Chart.Heatmap<double, string, string, string>(
                zData: Enumerable.Range(0, n).Select(r => Enumerable.Range(0, n).Select(c => 0.0).ToArray()).ToArray(),
                X: p.Labels.ToArray(), Y: p.Labels.ToArray(), ColorScale: StyleParam.Colorscale.Viridis, ReverseYAxis: true, ShowScale: i == ordered.Count - 1);
            foreach (var trace in GenericChart.getTraces(heatmap))
            {
                // The diagonal is null: plotly.js leaves such a cell blank (and writes no text in it).
                trace.SetProperty("z", Enumerable.Range(0, n).Select(r => Enumerable.Range(0, n)
                    .Select(c => r == c || !double.IsFinite(p.Matrix[r, c]) ? (double?)null : p.Matrix[r, c]).ToArray()).ToArray());
                trace.SetProperty("zmin", 0.0);
                trace.SetProperty("zmax", max);
                trace.SetProperty("text", Enumerable.Range(0, n).Select(r => Enumerable.Range(0, n)
                    .Select(c => r == c || !double.IsFinite(p.Matrix[r, c]) ? "" : ChartLayout.Format(p.Matrix[r, c])).ToArray()).ToArray());
                trace.SetProperty("texttemplate", "%{text}");
                trace.SetProperty("hoverongaps", false);
            }
            return heatmap;
        }).ToArray();
        var grid = ChartLayout.Grid(title, charts, ordered.Select(p => p.Title).ToArray(), columns: ordered.Count, rowHeight: 360);
        return ChartLayout.ShareAxes(grid, charts.Length, ordered.Count, match: false);
    }
}

/// <summary>One square matrix between members for <see cref="Heatmaps.PairwiseRow"/>.</summary>
/// <param name="Title">panel title, e.g. the method</param>
/// <param name="Labels">[members] member names for both axes</param>
/// <param name="Matrix">[members, members] value for (row member, column member); the diagonal is not drawn</param>
public sealed record PairwiseMatrix(string Title, IReadOnlyList<string> Labels, double[,] Matrix);
