using Microsoft.AspNetCore.Html;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;
using Plotly.NET;
using SubnetNotebooks.Plots;

namespace SubnetNotebooks.Interactive;

/// <summary>
/// A line chart that redraws in place as points arrive (e.g. one point per member per epoch):
/// one notebook output, updated, not a new chart per step. Outside a notebook it only collects
/// the points, so the same code runs headless (a notebook's app page draws it when the cell ends).
/// </summary>
/// <example><code>
/// var live = LiveChart.Show("Training loss", "Epoch", "Loss");
/// for (int epoch = 1; epoch &lt;= 3; epoch++)
///     live.Add(epoch, ("subnetwork 1", loss1), ("subnetwork 2", loss2));
/// </code></example>
public sealed class LiveChart
{
    readonly object _gate = new();
    readonly Dictionary<string, (List<double> X, List<double> Y)> _series = new(StringComparer.Ordinal);
    readonly List<string> _order = [];
    readonly string _id = ChartHtml.NewId();
    readonly DisplayedValue? _output;
    readonly bool _carriesScript;

    readonly Func<string, string>? _panelOf;

    LiveChart(string title, string xTitle, string yTitle, Func<string, string>? panelOf)
    {
        Title = title;
        XTitle = xTitle;
        YTitle = yTitle;
        _panelOf = panelOf;
        if (KernelInvocationContext.Current is { } context)
            _output = context.Display(new HtmlString(Render(out _carriesScript)), HtmlFormatter.MimeType);
        else
            SubnetNotebooks.Pages.NotebookPage.Current?.Track(this);
    }

    /// <summary>Chart title.</summary>
    public string Title { get; }

    /// <summary>X axis title.</summary>
    public string XTitle { get; }

    /// <summary>Y axis title.</summary>
    public string YTitle { get; }

    /// <summary>True when the chart is shown in a notebook output (false headless).</summary>
    public bool IsDisplayed => _output is not null;

    /// <summary>Shows an empty chart in the current notebook cell (nothing outside a notebook).</summary>
    /// <param name="title">chart title</param>
    /// <param name="xTitle">x axis title</param>
    /// <param name="yTitle">y axis title (of the single panel)</param>
    /// <param name="panelOf">the panel (and its y axis title) of each series, e.g. "loss" or "accuracy", so metrics of different scales get their own y axes; null draws every series on one axis</param>
    public static LiveChart Show(string title, string xTitle = "Epoch", string yTitle = "Value", Func<string, string>? panelOf = null) =>
        new(title, xTitle, yTitle, panelOf);

    /// <summary>Adds one point to <paramref name="series"/> (created on first use) and redraws.</summary>
    public void Add(string series, double x, double y)
    {
        lock (_gate) Append(series, x, y);
        Redraw();
    }

    /// <summary>Adds one point per series at the same x (e.g. every member after an epoch) and redraws once.</summary>
    public void Add(double x, params (string Series, double Y)[] points)
    {
        lock (_gate)
            foreach (var (series, y) in points) Append(series, x, y);
        Redraw();
    }

    /// <summary>The series collected so far, in the order they first appeared.</summary>
    public IReadOnlyList<LineSeries> Series
    {
        get
        {
            lock (_gate)
                return _order.Select(n => new LineSeries(n, _series[n].X.ToArray(), _series[n].Y.ToArray())).ToArray();
        }
    }

    /// <summary>The chart as it stands (an empty chart before the first point; one panel per panel name when panels were given).</summary>
    public GenericChart Chart
    {
        get
        {
            var series = Series;
            if (series.Count == 0) return Plotly.NET.Chart.Invisible().Titled(Title, XTitle, YTitle);
            if (_panelOf is null) return MetricLines.Create(Title, XTitle, YTitle, series);
            return MetricLines.Panels(Title, XTitle, series.GroupBy(s => _panelOf(s.Name)).Select(g => new MetricPanel(g.Key, g.ToArray())).ToArray());
        }
    }

    void Append(string series, double x, double y)
    {
        if (!_series.TryGetValue(series, out var points))
        {
            _series[series] = points = ([], []);
            _order.Add(series);
        }
        points.X.Add(x);
        points.Y.Add(y);
    }

    void Redraw()
    {
        if (_output is null) return;
        string fragment = ChartHtml.Fragment(Chart, _id);
        // The output that first brought plotly.js into the notebook keeps it, so the saved notebook still renders.
        _output.Update(new HtmlString(_carriesScript ? PlotlyJs.ScriptElement() + "\n" + fragment : fragment));
    }

    string Render(out bool carriesScript) => NotebookCharts.ToHtml(Chart, _id, out carriesScript);
}
