using System.Diagnostics;
using System.Text.RegularExpressions;
using SubnetNotebooks.Experiments;
using SubnetNotebooks.Headless;
using SubnetNotebooks.Plots.Browser;
using Xunit.Abstractions;

namespace SubnetNotebooks.NotebookTests.Browser;

/// <summary>
/// The pages a reader opens, opened as a reader does: the smoke run's report.html, an executed notebook converted to HTML by
/// Jupyter and a file-based app's page, each in headless Chromium (1400 px wide). A page fails on any JavaScript error, on a
/// chart that plotly.js did not draw, or on any request to the network; a screenshot of each lands in the test output.
/// </summary>
public class PagesInABrowserTests(SmokeRun run, ITestOutputHelper output) : IClassFixture<SmokeRun>
{
    /// <summary>Opens <paramref name="path"/>, checks it and saves a full-page screenshot; returns its charts.</summary>
    async Task<IReadOnlyList<DrawnChart>> OpenAndCheck(HeadlessChromium chromium, string path, string screenshot, int atLeast)
    {
        await using var page = await chromium.OpenAsync(path, 1400, 900);
        var charts = await PageCharts.InspectAsync(page, TimeSpan.FromSeconds(60));
        var file = Path.Combine(SmokeRun.Screenshots, screenshot);
        File.WriteAllBytes(file, await page.ScreenshotAsync(fullPage: true));
        output.WriteLine($"{path}: {charts.Count} charts; screenshot {file}");
        Assert.True(page.ConsoleErrors.Count == 0, $"{path}: JavaScript errors:\n{string.Join("\n", page.ConsoleErrors)}");
        Assert.True(page.NetworkRequests.Count == 0, $"{path}: requests to the network:\n{string.Join("\n", page.NetworkRequests)}");
        Assert.True(charts.Count >= atLeast, $"{path}: {charts.Count} charts, expected at least {atLeast}");
        foreach (var c in charts)
            Assert.True(c.Traces > 0 && c.DrawnTraces > 0, $"{path}: chart {c.Id} '{c.Title}' has {c.Traces} traces and {c.DrawnTraces} drawn");
        return charts;
    }

    [Fact]
    public async Task TheSmokeReportOpensWithItsVerdictsAndDrawsEveryChartOffline()
    {
        await using var chromium = await HeadlessChromium.StartAsync();
        var charts = await OpenAndCheck(chromium, Path.Combine(run.Folder, "report.html"), "report.png", atLeast: 10);
        Assert.Contains(charts, c => c.Figure == "reliability");
        Assert.Contains(charts, c => c.Figure == "disagreement");
        Assert.Contains(charts, c => c.Figure == "ood-roc");
        Assert.Contains(charts, c => c.Figure == "training-curves");

        await using var page = await chromium.OpenAsync(Path.Combine(run.Folder, "report.html"), 1400, 900);
        await PageCharts.InspectAsync(page, TimeSpan.FromSeconds(60));
        // What a reader sees first, and the reliability grid alone (the README shows both, from docs/).
        File.WriteAllBytes(Path.Combine(SmokeRun.Screenshots, "report-first-screen.png"), await page.ScreenshotAsync());
        File.WriteAllBytes(Path.Combine(SmokeRun.Screenshots, "report-reliability-grid.png"), await page.ScreenshotElementAsync("[data-figure=\"reliability\"]"));
        var layout = await page.EvaluateAsync("""
            (() => {
              const top = e => e.getBoundingClientRect().top + window.scrollY;
              const verdicts = document.querySelector('table.verdicts'), chart = document.querySelector('.subnet-chart');
              const folded = document.querySelector('details');
              const results = Array.from(document.querySelectorAll('h2')).find(h => h.textContent === 'Results');
              const grid = document.querySelector('[data-figure="reliability"]');
              const titles = Array.from(grid.querySelectorAll('.annotation-text')).map(t => t.textContent);
              const heat = document.querySelector('[data-figure="disagreement"]');
              return { verdictsTop: top(verdicts), resultsTop: top(results), chartTop: top(chart), rows: verdicts.querySelectorAll('tbody tr').length,
                       badges: verdicts.querySelectorAll('.verdict.yes, .verdict.no').length, titles,
                       foldedOpen: folded.open, foldedRows: folded.querySelectorAll('tbody tr').length, foldedSummary: folded.querySelector('summary').textContent,
                       claims: document.querySelector('table.verdicts').previousElementSibling.textContent,
                       panels: heat.data.length, diagonal: heat.data.every(t => t.z.every((row, i) => row[i] === null)),
                       scales: heat.data.map(t => [t.zmin, t.zmax].join()).filter((v, i, a) => a.indexOf(v) === i).length,
                       width: document.querySelector('[data-figure="quality"]').getBoundingClientRect().width };
            })()
            """);
        // Verdicts first, then the results table, then the charts; the results table starts on the first screen (900 px).
        Assert.True(layout.GetProperty("verdictsTop").GetDouble() < layout.GetProperty("resultsTop").GetDouble());
        Assert.True(layout.GetProperty("resultsTop").GetDouble() < layout.GetProperty("chartTop").GetDouble());
        Assert.True(layout.GetProperty("resultsTop").GetDouble() < 900, $"the results table starts {layout.GetProperty("resultsTop").GetDouble()} px down, below the first screen");
        int rows = layout.GetProperty("rows").GetInt32();
        Assert.True(rows >= 5, $"{rows} verdicts; the smoke run trains single, mcdropout, deep and subnet, enough for the paper's claim itself");
        Assert.Equal(rows, layout.GetProperty("badges").GetInt32());
        // The other claims are folded, and the two counts on the page add up to what the folded table and the open one hold.
        Assert.False(layout.GetProperty("foldedOpen").GetBoolean(), "the other claims are open on the first screen");
        int folded = layout.GetProperty("foldedRows").GetInt32();
        var summary = Regex.Match(layout.GetProperty("foldedSummary").GetString()!, @"^The other (\d+) claims .*: (\d+) hold, (\d+) do(?:es)? not$");
        Assert.True(summary.Success, $"summary of the folded claims: {layout.GetProperty("foldedSummary").GetString()}");
        Assert.Equal(folded, int.Parse(summary.Groups[1].Value));
        Assert.Equal(folded, int.Parse(summary.Groups[2].Value) + int.Parse(summary.Groups[3].Value));
        Assert.Matches($@"^\d+ of {rows + folded} of the paper's claims", layout.GetProperty("claims").GetString()!);
        // One reliability panel per method, each with its ECE; the disagreement panels share one colour scale, their diagonals blank.
        var titles = layout.GetProperty("titles").EnumerateArray().Select(t => t.GetString()!).ToArray();
        foreach (var method in Profiles.Smoke.Methods) Assert.Contains(titles, t => t.StartsWith($"{method} · ECE 0.", StringComparison.Ordinal));
        Assert.Equal(Profiles.Smoke.Methods.Count(m => m != "single"), layout.GetProperty("panels").GetInt32());
        Assert.True(layout.GetProperty("diagonal").GetBoolean(), "a disagreement matrix has a value on its diagonal");
        Assert.Equal(1, layout.GetProperty("scales").GetInt32());
        // The quality panels use the window's width, not a fixed 720 px.
        Assert.True(layout.GetProperty("width").GetDouble() > 1200, $"the quality chart is {layout.GetProperty("width").GetDouble()} px wide in a 1400 px window");
    }

    [Fact]
    public async Task AnExecutedNotebookConvertedByJupyterDrawsItsChartsOffline()
    {
        var folder = Repository.NewTempFolder("browser-notebook");
        var result = await NotebookRunner.RunAsync(Path.Combine(Repository.Notebooks, "00-setup-check.ipynb"), new NotebookRunOptions("smoke", folder));
        Assert.True(result.Succeeded, result.ToString());
        // nbconvert's "basic" template: the cells and their outputs, without the page head that loads require.js and MathJax from a CDN.
        var start = new ProcessStartInfo("jupyter") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "nbconvert", "--to", "html", "--template", "basic", result.ExecutedPath, "--output-dir", folder, "--output", "00-setup-check" })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"jupyter nbconvert --to html failed: {await stderr}");

        await using var chromium = await HeadlessChromium.StartAsync();
        await OpenAndCheck(chromium, Path.Combine(folder, "00-setup-check.html"), "notebook-00.png", atLeast: 1);
    }

    [Fact]
    public async Task AFileBasedAppPageDrawsItsChartsOffline()
    {
        var page = await Pages.NotebookAppTests.RunAppPage("00-setup-check");
        await using var chromium = await HeadlessChromium.StartAsync();
        await OpenAndCheck(chromium, page, "app-00.png", atLeast: 1);
    }

    [Fact]
    public async Task FiguresAreWrittenAsPdfSvgAndPngOfAFixedSize()
    {
        var pdf = await RunFigures.WriteAsync(run.Folder, FigureFormat.Pdf);
        Assert.Contains(pdf, f => f.Name == "reliability");
        foreach (var f in pdf)
        {
            var text = System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(f.Path));
            Assert.StartsWith("%PDF-", text);
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(text, @"/Type\s*/Page[^s]"));
        }
        var svg = await RunFigures.WriteAsync(run.Folder, FigureFormat.Svg);
        Assert.Equal(pdf.Select(f => f.Name), svg.Select(f => f.Name));
        foreach (var f in svg)
        {
            var text = File.ReadAllText(f.Path);
            Assert.StartsWith("<svg", text);
            Assert.Contains($"width=\"{FigureExport.Width}\"", text);
            Assert.Matches("class=\"(trace|hm)[ \"]", text);
            Assert.DoesNotContain("modebar", text);
        }
        var png = await RunFigures.WriteAsync(run.Folder, FigureFormat.Png);
        foreach (var f in png)
        {
            var bytes = File.ReadAllBytes(f.Path);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
            // IHDR: width and height, big-endian, at bytes 16 and 20.
            Assert.Equal(FigureExport.Width * FigureExport.PngScale, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
            Assert.Equal(f.Height * FigureExport.PngScale, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
        }
    }

    [Fact]
    public async Task FiguresOfAFolderThatIsNotARunSayWhatToPass()
    {
        var folder = Repository.NewTempFolder("not-a-run");
        var error = await Assert.ThrowsAsync<ArgumentException>(() => RunFigures.WriteAsync(folder, FigureFormat.Svg));
        Assert.Contains("is not a run folder", error.Message);
        Assert.Contains("subnet reproduce", error.Message);
    }
}
