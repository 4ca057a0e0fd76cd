using System.Net;
using Plotly.NET;

namespace SubnetNotebooks.Plots;

/// <summary>
/// A chart as an HTML fragment: a div and a script that draws the figure with the page's
/// <c>window.Plotly</c> (which <see cref="PlotlyJs.ScriptElement"/> defines once per page). The script
/// waits for Plotly to appear, so the fragment may render before the script element has run.
/// </summary>
public static class ChartHtml
{
    /// <summary>The figure as plotly.js JSON: {"data": [...], "layout": {...}, "config": {...}}.</summary>
    public static string FigureJson(GenericChart chart) => GenericChart.toJson(chart);

    /// <summary>A new element id that is unique on the page.</summary>
    public static string NewId() => "subnet-chart-" + Guid.NewGuid().ToString("N");

    /// <summary>
    /// The div and drawing script for <paramref name="chart"/>, using the element id <paramref name="id"/>. On a page the chart
    /// takes the width of its container and follows the window (the figure's fixed width is what <c>subnet figures</c> uses).
    /// </summary>
    /// <param name="chart">the chart</param>
    /// <param name="id">the div's element id, unique on the page</param>
    /// <param name="figureName">the name of its publication figure (data-figure, a file name without extension), or null</param>
    public static string Fragment(GenericChart chart, string id, string? figureName = null)
    {
        // "</" inside JSON strings would end the script element early; "<\/" is the same string in JavaScript.
        string figure = FigureJson(chart).Replace("</", "<\\/", StringComparison.Ordinal);
        string quotedId = WebUtility.HtmlEncode(id);
        return
            $"<div id=\"{quotedId}\" class=\"subnet-chart\" style=\"width:100%\"{(figureName is null ? "" : $" data-figure=\"{WebUtility.HtmlEncode(figureName)}\"")}></div>\n" +
            "<script type=\"text/javascript\">(function() {\n" +
            $"  var figure = {figure};\n" +
            "  var layout = Object.assign({}, figure.layout, { autosize: true }); delete layout.width;\n" +
            "  var config = Object.assign({ responsive: true, displaylogo: false }, figure.config || {});\n" +
            $"  var draw = function() {{ window.Plotly.newPlot('{id}', figure.data, layout, config); }};\n" +
            "  if (window.Plotly) { draw(); return; }\n" +
            "  var tries = 0, wait = setInterval(function() {\n" +
            "    if (window.Plotly) { clearInterval(wait); draw(); }\n" +
            "    else if (++tries > 600) { clearInterval(wait); document.getElementById('" + id + "').textContent = 'plotly.js is not loaded on this page: run the notebook setup cell (NotebookCharts.Register) first.'; }\n" +
            "  }, 50);\n" +
            "})();</script>";
    }
}
