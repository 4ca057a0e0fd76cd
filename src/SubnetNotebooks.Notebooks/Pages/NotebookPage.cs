using System.Net;
using System.Text;
using Markdig;
using Microsoft.DotNet.Interactive.Formatting;
using Plotly.NET;
using SubnetNotebooks.Interactive;
using SubnetNotebooks.Plots;

namespace SubnetNotebooks.Pages;

/// <summary>
/// The page a notebook's file-based app (notebooks/apps/NN-name.cs) writes: its prose (Markdown), each cell's
/// console output, displayed values, tables and charts, in order, as one self-contained HTML file with
/// plotly.js inlined once, so it opens offline. Live charts created in a cell appear with their final points.
/// </summary>
public sealed class NotebookPage : IDisposable
{
    static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();
    readonly StringBuilder _body = new();
    readonly List<LiveChart> _liveCharts = [];
    readonly TextWriter _console;
    readonly StringWriter _cellOutput = new();
    int? _cell;

    NotebookPage(string title, string path)
    {
        Title = title;
        Path = System.IO.Path.GetFullPath(path);
        _console = Console.Out;
        Console.SetOut(new TeeWriter(_console, _cellOutput));
    }

    /// <summary>The page being written by this process, if any (live charts report to it).</summary>
    public static NotebookPage? Current { get; private set; }

    /// <summary>Title of the page (the notebook's name).</summary>
    public string Title { get; }

    /// <summary>Where <see cref="Save"/> writes the page.</summary>
    public string Path { get; }

    /// <summary>Starts the page of this process; console output from now on also goes to the page.</summary>
    public static NotebookPage Start(string title, string path) => Current = new NotebookPage(title, path);

    /// <summary>Adds a Markdown cell, rendered to HTML.</summary>
    public void Prose(string markdown)
    {
        EndCell();
        _body.Append("<section class=\"prose\">").Append(Markdig.Markdown.ToHtml(markdown, Markdown)).AppendLine("</section>");
    }

    /// <summary>Starts code cell <paramref name="number"/> (1-based among code cells).</summary>
    public void Cell(int number)
    {
        EndCell();
        _cell = number;
        _body.Append($"<section class=\"cell\"><div class=\"cell-number\">[{number}]</div>");
    }

    /// <summary>Shows a value as a notebook cell would: charts drawn, strings as text, anything else through the .NET Interactive HTML formatter (tables for collections).</summary>
    public void Show(object? value)
    {
        FlushConsole();
        _body.AppendLine(value switch
        {
            null => "<pre class=\"value\">null</pre>",
            GenericChart chart => ChartHtml.Fragment(chart, ChartHtml.NewId()),
            string text => $"<pre class=\"value\">{WebUtility.HtmlEncode(text)}</pre>",
            _ => $"<div class=\"value\">{value.ToDisplayString(HtmlFormatter.MimeType)}</div>",
        });
    }

    /// <summary>Called by a <see cref="LiveChart"/> shown outside a notebook: the page draws it when its cell ends.</summary>
    internal void Track(LiveChart chart) => _liveCharts.Add(chart);

    /// <summary>Writes the page (UTF-8 with BOM) and returns its path.</summary>
    public string Save()
    {
        EndCell();
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var html = $"""
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>{WebUtility.HtmlEncode(Title)}</title>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <style>body{"{"}font-family:system-ui,sans-serif;margin:1.5em 2.5em{"}"} .prose{"{"}max-width:75em{"}"} .cell{"{"}border-left:3px solid #ddd;padding-left:1em;margin:1em 0{"}"} .cell-number{"{"}color:gray;font-family:monospace{"}"} pre{"{"}white-space:pre-wrap{"}"}</style>
            {PlotlyJs.ScriptElement()}
            </head><body>
            {_body}
            </body></html>
            """;
        File.WriteAllText(Path, html, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        _console.WriteLine($"page: {Path}");
        return Path;
    }

    void EndCell()
    {
        if (_cell is null) return;
        FlushConsole();
        foreach (var live in _liveCharts.Where(c => c.Series.Count > 0)) Show(live.Chart);
        _liveCharts.Clear();
        _body.AppendLine("</section>");
        _cell = null;
    }

    void FlushConsole()
    {
        var text = _cellOutput.ToString();
        if (text.Length == 0) return;
        _cellOutput.GetStringBuilder().Clear();
        _body.Append("<pre class=\"stdout\">").Append(WebUtility.HtmlEncode(text)).AppendLine("</pre>");
    }

    /// <summary>Restores the console.</summary>
    public void Dispose()
    {
        Console.SetOut(_console);
        if (Current == this) Current = null;
    }

    /// <summary>Writes to the real console and to the page's cell buffer.</summary>
    sealed class TeeWriter(TextWriter console, TextWriter page) : TextWriter
    {
        public override Encoding Encoding => console.Encoding;
        public override void Write(char value) { console.Write(value); page.Write(value); }
        public override void Write(string? value) { console.Write(value); page.Write(value); }
        public override void WriteLine(string? value) { console.WriteLine(value); page.WriteLine(value); }
    }
}
