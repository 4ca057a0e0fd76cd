using System.Net;
using System.Text;
using Markdig;
using Plotly.NET;

namespace SubnetNotebooks.Plots;

/// <summary>
/// Builds one self-contained HTML page (a run's report.html): a title, prose sections, tables and
/// any number of charts. plotly.js is inlined once, in the head, so the page opens offline.
/// </summary>
/// <example><code>
/// var report = new ReportWriter("Fashion-MNIST, cpu profile");
/// report.Heading("Accuracy");
/// report.Text("Four subnetworks of one **pruned** parent, trained independently.");
/// report.Table(["Method", "Accuracy"], [["Single", "0.901"], ["Subnetworks", "0.915"]]);
/// report.Chart(MetricLines.Create(...));
/// report.Save("runs/cpu/report.html");
/// </code></example>
public sealed class ReportWriter
{
    /// <summary>CommonMark with tables, lists and the usual extensions; raw HTML is shown as text, so a method or dataset
    /// name such as "&lt;cpu&gt;" cannot break the page.</summary>
    static readonly MarkdownPipeline Prose = new MarkdownPipelineBuilder().UseAdvancedExtensions().DisableHtml().Build();
    readonly string _title;
    readonly StringBuilder _body = new();
    int _charts;

    /// <summary>Starts a page with <paramref name="title"/> as its title and first heading.</summary>
    public ReportWriter(string title)
    {
        _title = title;
        _body.Append("<h1>").Append(WebUtility.HtmlEncode(title)).Append("</h1>\n");
    }

    /// <summary>Number of charts added so far.</summary>
    public int ChartCount => _charts;

    /// <summary>Adds a section heading (level 2 to 4).</summary>
    public ReportWriter Heading(string text, int level = 2)
    {
        level = Math.Clamp(level, 2, 4);
        _body.Append($"<h{level}>").Append(WebUtility.HtmlEncode(text)).Append($"</h{level}>\n");
        return this;
    }

    /// <summary>Adds prose written in Markdown (CommonMark with Markdig's advanced extensions, raw HTML escaped).</summary>
    public ReportWriter Text(string markdown)
    {
        _body.Append(Markdown.ToHtml(markdown, Prose));
        return this;
    }

    /// <summary>Adds a table; every row must have one cell per header.</summary>
    /// <param name="headers">[columns] column titles.</param>
    /// <param name="rows">[rows][columns] cell text.</param>
    /// <param name="caption">Optional caption above the table.</param>
    public ReportWriter Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, string? caption = null)
    {
        _body.Append("<table>");
        if (caption is not null) _body.Append("<caption>").Append(WebUtility.HtmlEncode(caption)).Append("</caption>");
        _body.Append("<thead><tr>");
        foreach (var h in headers) _body.Append("<th>").Append(WebUtility.HtmlEncode(h)).Append("</th>");
        _body.Append("</tr></thead><tbody>");
        int r = 0;
        foreach (var row in rows)
        {
            r++;
            if (row.Count != headers.Count)
                throw new ArgumentException(
                    $"Report table{(caption is null ? "" : $" '{caption}'")}: row {r} has {row.Count} cells but there are {headers.Count} headers; give every row one cell per header.");
            _body.Append("<tr>");
            foreach (var cell in row) _body.Append("<td>").Append(WebUtility.HtmlEncode(cell)).Append("</td>");
            _body.Append("</tr>");
        }
        _body.Append("</tbody></table>\n");
        return this;
    }

    /// <summary>Adds a chart; returns the id of the div that holds it.</summary>
    public string Chart(GenericChart chart)
    {
        string id = $"chart-{++_charts}";
        _body.Append("<figure>").Append(ChartHtml.Fragment(chart, id)).Append("</figure>\n");
        return id;
    }

    /// <summary>The whole page as HTML, with plotly.js inlined once in the head.</summary>
    public string ToHtml() =>
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n" +
        $"<title>{WebUtility.HtmlEncode(_title)}</title>\n" +
        "<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}" +
        "table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.3em .7em;text-align:left}" +
        "th{background:#f3f3f3}caption{font-weight:bold;text-align:left;padding:.3em 0}figure{margin:1em 0}" +
        "code{background:#f3f3f3;padding:0 .2em}</style>\n" +
        PlotlyJs.ScriptElement() + "\n</head>\n<body>\n" + _body + "</body>\n</html>\n";

    /// <summary>Writes the page to <paramref name="path"/> as UTF-8 with a byte-order mark (creating folders).</summary>
    public void Save(string path)
    {
        var html = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);
        SubnetNotebooks.Training.AtomicFile.Write(path, stream => { stream.Write(html.GetPreamble()); stream.Write(html.GetBytes(ToHtml())); });
    }
}
