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

    /// <summary>The div and drawing script for <paramref name="chart"/>, using the element id <paramref name="id"/>.</summary>
    public static string Fragment(GenericChart chart, string id)
    {
        // "</" inside JSON strings would end the script element early; "<\/" is the same string in JavaScript.
        string figure = FigureJson(chart).Replace("</", "<\\/", StringComparison.Ordinal);
        string quotedId = WebUtility.HtmlEncode(id);
        return
            $"<div id=\"{quotedId}\" class=\"subnet-chart\"></div>\n" +
            "<script type=\"text/javascript\">(function() {\n" +
            $"  var figure = {figure};\n" +
            $"  var draw = function() {{ window.Plotly.newPlot('{id}', figure.data, figure.layout, figure.config || {{}}); }};\n" +
            "  if (window.Plotly) { draw(); return; }\n" +
            "  var tries = 0, wait = setInterval(function() {\n" +
            "    if (window.Plotly) { clearInterval(wait); draw(); }\n" +
            "    else if (++tries > 600) { clearInterval(wait); document.getElementById('" + id + "').textContent = 'plotly.js is not loaded on this page: run the notebook setup cell (NotebookCharts.Register) first.'; }\n" +
            "  }, 50);\n" +
            "})();</script>";
    }
}
