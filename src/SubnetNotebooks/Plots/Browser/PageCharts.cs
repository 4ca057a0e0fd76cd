using System.Text.Json;

namespace SubnetNotebooks.Plots.Browser;

/// <summary>One chart on a page as plotly.js drew it.</summary>
/// <param name="Id">the chart div's element id</param>
/// <param name="Figure">its data-figure name ("" when it has none)</param>
/// <param name="Title">its title</param>
/// <param name="Traces">traces in its figure (gd.data)</param>
/// <param name="DrawnTraces">traces plotly.js drew into the DOM (g.trace, heatmap layers); 0 for a chart that failed</param>
public sealed record DrawnChart(string Id, string Figure, string Title, int Traces, int DrawnTraces);

/// <summary>Finds the Plotly charts of a page opened in <see cref="HeadlessChromium"/> once plotly.js has drawn them.</summary>
public static class PageCharts
{
    const string Script = """
        (async () => {
          const containers = () => Array.from(document.querySelectorAll('.subnet-chart, .js-plotly-plot')).filter((d, i, all) => !all.some(o => o !== d && o.contains(d)));
          const deadline = Date.now() + %TIMEOUT%;
          while (Date.now() < deadline) {
            const all = containers();
            if (all.every(d => d._fullLayout || d.textContent.includes('plotly.js is not loaded'))) break;
            await new Promise(r => setTimeout(r, 100));
          }
          await new Promise(r => requestAnimationFrame(() => setTimeout(r, 50)));
          return containers().map(d => ({
            id: d.id || '', figure: d.dataset.figure || '',
            title: (d.layout && d.layout.title && (d.layout.title.text || d.layout.title)) || '',
            traces: Array.isArray(d.data) ? d.data.length : 0,
            drawn: d._fullData ? d.querySelectorAll('g.trace, g.hm, .heatmaplayer image, .imagelayer image').length : 0,
          }));
        })()
        """;

    /// <summary>Waits (up to <paramref name="timeout"/>) until every chart container of the page is drawn, then describes each.</summary>
    /// <param name="page">an opened page</param>
    /// <param name="timeout">how long plotly.js may take to draw them all</param>
    public static async Task<IReadOnlyList<DrawnChart>> InspectAsync(BrowserPage page, TimeSpan timeout)
    {
        var found = await page.EvaluateAsync(Script.Replace("%TIMEOUT%", ((int)timeout.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
            StringComparison.Ordinal));
        return found.EnumerateArray().Select(c => new DrawnChart(c.GetProperty("id").GetString()!, c.GetProperty("figure").GetString()!,
            c.GetProperty("title").ValueKind == JsonValueKind.String ? c.GetProperty("title").GetString()! : c.GetProperty("title").ToString(),
            c.GetProperty("traces").GetInt32(), c.GetProperty("drawn").GetInt32())).ToArray();
    }
}
