using System.Text.Json;

namespace SubnetNotebooks.Plots.Browser;

/// <summary>The file formats of a publication figure.</summary>
public enum FigureFormat
{
    /// <summary>Vector PDF, one page of the figure's size (Chromium prints the SVG).</summary>
    Pdf,

    /// <summary>Vector SVG as plotly.js writes it.</summary>
    Svg,

    /// <summary>Raster PNG at twice the figure's size in pixels (192 dpi).</summary>
    Png,
}

/// <summary>A figure written by <see cref="FigureExport"/>.</summary>
/// <param name="Name">its name (the chart's data-figure), the file name without extension</param>
/// <param name="Path">the file written</param>
/// <param name="Width">width in CSS pixels (1/96 inch)</param>
/// <param name="Height">height in CSS pixels</param>
public sealed record WrittenFigure(string Name, string Path, int Width, int Height);

/// <summary>
/// Every chart of a page (a run's report.html) as a publication figure: a fixed size, larger fonts, white background, axis
/// lines and outside ticks, no toolbar, rendered offline by plotly.js's own <c>Plotly.toImage</c> in headless Chromium.
/// </summary>
public static class FigureExport
{
    /// <summary>Width of every figure in CSS pixels (10 inches at 96 per inch).</summary>
    public const int Width = 960;

    /// <summary>Scale of a PNG against the figure's CSS size.</summary>
    public const int PngScale = 2;

    const string Script = """
        (async (format, width) => {
          const out = [];
          const charts = Array.from(document.querySelectorAll('.subnet-chart'));
          for (let i = 0; i < charts.length; i++) {
            const gd = charts[i];
            if (!gd._fullLayout) throw new Error('chart ' + (gd.dataset.figure || gd.id) + ' was not drawn');
            const layout = JSON.parse(JSON.stringify(gd.layout));
            const height = Math.round(Math.max(420, Math.min(1400, layout.height || 480)));
            Object.assign(layout, { width, height, autosize: false, paper_bgcolor: '#ffffff', plot_bgcolor: '#ffffff',
              font: { family: 'Helvetica, Arial, sans-serif', size: 15, color: '#111111' } });
            for (const key of Object.keys(layout))
              if (/^[xy]axis\d*$/.test(key))
                Object.assign(layout[key], { showline: true, linecolor: '#333333', linewidth: 1, ticks: 'outside', gridcolor: '#e8e8e8', zeroline: false });
            if (layout.title) { if (typeof layout.title === 'string') layout.title = { text: layout.title }; layout.title.font = { size: 17 }; }
            const url = await Plotly.toImage({ data: gd.data, layout, config: { staticPlot: true } },
              { format: format === 'pdf' ? 'svg' : format, width, height, scale: format === 'png' ? %SCALE% : 1 });
            out.push({ name: gd.dataset.figure || ('figure-' + (i + 1)), url, width, height });
          }
          return out;
        })
        """;

    /// <summary>Writes every chart of <paramref name="page"/> into <paramref name="folder"/> as &lt;name&gt;.&lt;format&gt;.</summary>
    /// <param name="browser">a started browser</param>
    /// <param name="page">an HTML page whose charts <see cref="ChartHtml"/> drew, e.g. a run's report.html</param>
    /// <param name="folder">where the figures go (created)</param>
    /// <param name="format">pdf, svg or png</param>
    public static async Task<IReadOnlyList<WrittenFigure>> WriteAsync(HeadlessChromium browser, string page, string folder, FigureFormat format)
    {
        Directory.CreateDirectory(folder);
        await using var tab = await browser.OpenAsync(page, Width + 40, 900);
        var charts = await PageCharts.InspectAsync(tab, TimeSpan.FromSeconds(60));
        if (charts.Count == 0) throw new InvalidDataException($"{page} has no charts to write as figures.");
        string name = format.ToString().ToLowerInvariant();
        var rendered = await tab.EvaluateAsync($"({Script.Replace("%SCALE%", PngScale.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)})('{name}', {Width})");
        var written = new List<WrittenFigure>();
        foreach (var figure in rendered.EnumerateArray())
        {
            string figureName = Safe(figure.GetProperty("name").GetString()!);
            int width = figure.GetProperty("width").GetInt32(), height = figure.GetProperty("height").GetInt32();
            string path = Path.Combine(folder, $"{figureName}.{name}");
            string url = figure.GetProperty("url").GetString()!;
            byte[] bytes = format switch
            {
                FigureFormat.Png => Convert.FromBase64String(url[(url.IndexOf(',') + 1)..]),
                FigureFormat.Svg => System.Text.Encoding.UTF8.GetBytes(Svg(url)),
                _ => await PdfAsync(browser, Svg(url), width, height),
            };
            SubnetNotebooks.Training.AtomicFile.Write(path, stream => stream.Write(bytes));
            written.Add(new WrittenFigure(figureName, path, width, height));
        }
        return written;
    }

    /// <summary>The SVG text of a data URL as plotly.js returns it (URL-encoded, or base64).</summary>
    static string Svg(string url)
    {
        int comma = url.IndexOf(',');
        return url[..comma].EndsWith(";base64", StringComparison.Ordinal)
            ? System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(url[(comma + 1)..]))
            : Uri.UnescapeDataString(url[(comma + 1)..]);
    }

    /// <summary>Prints <paramref name="svg"/> alone on one page of its own size.</summary>
    static async Task<byte[]> PdfAsync(HeadlessChromium browser, string svg, int width, int height)
    {
        var folder = Directory.CreateTempSubdirectory("subnet-figure-").FullName;
        try
        {
            var html = Path.Combine(folder, "figure.html");
            File.WriteAllText(html, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>@page{margin:0}html,body{margin:0;padding:0;overflow:hidden;" +
                $"width:{width}px;height:{height}px}}svg{{display:block}}</style></head><body>{svg}</body></html>");
            await using var tab = await browser.OpenAsync(html, width, height);
            // A hair taller than the figure, so rounding never spills it onto a second page.
            return await tab.PrintToPdfAsync(width / 96.0, (height + 1) / 96.0);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    /// <summary>A figure name safe as a file name: letters, digits, '-' and '_'.</summary>
    static string Safe(string name)
    {
        var safe = new string(name.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' ? ch : '-').ToArray()).Trim('-');
        return safe.Length == 0 ? "figure" : safe;
    }
}
