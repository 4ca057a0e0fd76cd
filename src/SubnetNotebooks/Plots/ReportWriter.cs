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

    /// <summary>Adds a chart over the page's width; returns the id of the div that holds it.</summary>
    /// <param name="chart">the chart</param>
    /// <param name="figure">the file name (without extension) <c>subnet figures</c> writes it to; by default figure-N, N its place on the page</param>
    public string Chart(GenericChart chart, string? figure = null)
    {
        string id = $"chart-{++_charts}";
        _body.Append("<figure>").Append(ChartHtml.Fragment(chart, id, figure ?? $"figure-{_charts}")).Append("</figure>\n");
        return id;
    }

    /// <summary>
    /// Adds the verdicts of a run, one row a claim: the claim, the number the run measured, the number it is compared with,
    /// and a computed yes or no, drawn as a badge.
    /// </summary>
    /// <param name="verdicts">(claim, measured, reference, holds) per claim, the numbers already formatted</param>
    /// <param name="caption">Optional caption above the table.</param>
    public ReportWriter Verdicts(IEnumerable<(string Claim, string Measured, string Reference, bool Holds)> verdicts, string? caption = null)
    {
        _body.Append("<table class=\"verdicts\">");
        if (caption is not null) _body.Append("<caption>").Append(WebUtility.HtmlEncode(caption)).Append("</caption>");
        _body.Append("<thead><tr><th>claim</th><th>this run</th><th>compared with</th><th>holds?</th></tr></thead><tbody>");
        foreach (var (claim, measured, reference, holds) in verdicts)
            _body.Append("<tr><td>").Append(WebUtility.HtmlEncode(claim)).Append("</td><td class=\"num\">").Append(WebUtility.HtmlEncode(measured))
                .Append("</td><td class=\"num\">").Append(WebUtility.HtmlEncode(reference)).Append("</td><td><span class=\"verdict ")
                .Append(holds ? "yes\">yes" : "no\">no").Append("</span></td></tr>");
        _body.Append("</tbody></table>\n");
        return this;
    }

    /// <summary>
    /// Adds a section that opens on a click: <paramref name="summary"/> shows, what <paramref name="content"/> adds stays
    /// folded until the reader opens it. For tables and prose; a chart drawn while folded has no size.
    /// </summary>
    public ReportWriter Details(string summary, Action<ReportWriter> content)
    {
        _body.Append("<details><summary>").Append(WebUtility.HtmlEncode(summary)).Append("</summary>\n");
        content(this);
        _body.Append("</details>\n");
        return this;
    }

    /// <summary>The whole page as HTML, with plotly.js inlined once in the head.</summary>
    public string ToHtml() =>
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n" +
        $"<title>{WebUtility.HtmlEncode(_title)}</title>\n" +
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n" +
        "<style>body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:1.5em 2.5em;color:#1d1d1f;line-height:1.45}" +
        "h1{font-size:1.7em;margin:.2em 0 .3em}h2{font-size:1.3em;margin:1.6em 0 .4em;padding-top:.6em;border-top:1px solid #e3e3e3}" +
        "p,ul{max-width:75em}table{border-collapse:collapse;margin:.8em 0;font-size:.95em}" +
        "th,td{border-bottom:1px solid #e3e3e3;padding:.35em .8em;text-align:left}th{background:#f6f6f6;font-weight:600}" +
        "td.num{font-variant-numeric:tabular-nums;text-align:right;white-space:nowrap}" +
        "caption{font-weight:600;text-align:left;padding:.3em 0;caption-side:top}figure{margin:.6em 0 1.4em;width:100%}" +
        ".verdict{display:inline-block;min-width:2.6em;text-align:center;border-radius:.8em;padding:.05em .6em;font-weight:600;color:#fff}" +
        ".verdict.yes{background:#1a7f37}.verdict.no{background:#c0392b}table.verdicts td:first-child{max-width:60em}" +
        "details{margin:.4em 0 .8em}summary{cursor:pointer;font-weight:600;padding:.3em 0}" +
        "code{background:#f3f3f3;padding:0 .2em}</style>\n" +
        PlotlyJs.ScriptElement() + "\n</head>\n<body>\n" + _body + "</body>\n</html>\n";

    /// <summary>Writes the page to <paramref name="path"/> as UTF-8 with a byte-order mark (creating folders).</summary>
    public void Save(string path)
    {
        var html = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);
        SubnetNotebooks.Training.AtomicFile.Write(path, stream => { stream.Write(html.GetPreamble()); stream.Write(html.GetBytes(ToHtml())); });
    }
}
