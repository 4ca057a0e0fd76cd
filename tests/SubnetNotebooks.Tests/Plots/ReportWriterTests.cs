using System.Text;
using System.Text.RegularExpressions;
using SubnetNotebooks.Plots;

namespace SubnetNotebooks.Tests.Plots;

public class ReportWriterTests() : InTempFolder("subnet-report-")
{
    /// <summary>plotly.js as Plotly.NET embeds it, read here without the code under test.</summary>
    static string EmbeddedPlotlyJs()
    {
        var assembly = typeof(Plotly.NET.GenericChart).Assembly;
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith(".min.js", StringComparison.Ordinal));
        using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
        return reader.ReadToEnd();
    }

    static int Occurrences(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + 1, StringComparison.Ordinal)) count++;
        return count;
    }

    string WriteSampleReport(out string[] chartIds)
    {
        var report = new ReportWriter("Fashion-MNIST <cpu>");
        report.Heading("Accuracy");
        report.Text("Four **subnetworks** of one parent.\n\n- no overlap\n- trained `independently`");
        report.Table(["Method", "Accuracy"], [["Single", "0.901"], ["Subnetworks", "0.915"]], "Test set");
        var ids = new List<string>();
        for (int i = 0; i < 3; i++)
            ids.Add(report.Chart(MetricLines.Create($"chart {i}", "M", "Accuracy", [new LineSeries("s", [1, 2], [0.5, 0.6 + i / 10.0])])));
        chartIds = ids.ToArray();
        var path = Path.Combine(_dir, "report.html");
        report.Save(path);
        return path;
    }

    [Fact]
    public void InlinesPlotlyJsExactlyOnceAndLoadsNothingFromTheNetwork()
    {
        var path = WriteSampleReport(out _);
        var html = File.ReadAllText(path);
        var plotly = EmbeddedPlotlyJs();

        Assert.Contains(plotly, html);
        Assert.Equal(1, Occurrences(html, plotly[..4000]));
        Assert.DoesNotMatch(new Regex("<script[^>]*\\bsrc\\s*=", RegexOptions.IgnoreCase), html);
        // plotly.js itself mentions CDN hosts (for optional map tiles); the page around it must not.
        Assert.DoesNotContain("cdn.", html.Replace(plotly, ""), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void HoldsEveryChartDivAndItsDrawingScript()
    {
        var path = WriteSampleReport(out var ids);
        var html = File.ReadAllText(path);

        Assert.Equal(3, ids.Distinct().Count());
        foreach (var id in ids)
        {
            Assert.Contains($"<div id=\"{id}\"", html);
            Assert.Contains($"newPlot('{id}'", html);
        }
        Assert.Contains("\"y\":[0.5,0.8]", html);
    }

    [Fact]
    public void IsUtf8WithAByteOrderMark()
    {
        var bytes = File.ReadAllBytes(WriteSampleReport(out _));
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        Assert.StartsWith("<!DOCTYPE html>", Encoding.UTF8.GetString(bytes, 3, 20));
    }

    [Fact]
    public void EscapesTextAndRendersMarkdown()
    {
        var html = File.ReadAllText(WriteSampleReport(out _));

        Assert.Contains("<title>Fashion-MNIST &lt;cpu&gt;</title>", html);
        Assert.Contains("<strong>subnetworks</strong>", html);
        Assert.Contains("<li>trained <code>independently</code></li>", html);
        Assert.Contains("<caption>Test set</caption>", html);
        Assert.Contains("<td>Subnetworks</td><td>0.915</td>", html);
    }

    [Fact]
    public void ProseRendersCommonMarkTablesAndShowsRawHtmlAsText()
    {
        var report = new ReportWriter("r");
        report.Text("A <script>alert(1)</script> name.\n\n| method | NLL |\n|---|---|\n| subnet | 0.31 |\n\n1. first\n2. second");
        var path = Path.Combine(_dir, "prose.html");
        report.Save(path);
        var html = File.ReadAllText(path);

        Assert.Contains("A &lt;script&gt;alert(1)&lt;/script&gt; name.", html);
        Assert.DoesNotContain("<script>alert(1)", html);
        Assert.Matches(new Regex(@"<table>\s*<thead>\s*<tr>\s*<th>method</th>\s*<th>NLL</th>"), html);
        Assert.Matches(new Regex(@"<td>subnet</td>\s*<td>0.31</td>"), html);
        Assert.Matches(new Regex(@"<ol>\s*<li>first</li>\s*<li>second</li>\s*</ol>"), html);
    }

    [Fact]
    public void AFoldedSectionHoldsWhatItsContentAddsUnderItsEscapedSummary()
    {
        var report = new ReportWriter("r");
        report.Text("Paragraph above the fold.");
        report.Details("The other <2> claims", r => r.Verdicts([("a claim", "1", "2", true), ("b claim", "3", "2", false)]));
        report.Text("Paragraph below the fold.");
        var html = report.ToHtml();

        var folded = Regex.Match(html, @"<details><summary>(?<summary>[^<]*)</summary>(?<inside>.*?)</details>", RegexOptions.Singleline);
        Assert.True(folded.Success, "no <details> section with a summary");
        Assert.Equal("The other &lt;2&gt; claims", folded.Groups["summary"].Value);
        Assert.Equal(2, Occurrences(folded.Groups["inside"].Value, "<span class=\"verdict "));
        Assert.True(html.IndexOf("<p>Paragraph above the fold.</p>", StringComparison.Ordinal) is var above && above >= 0 && above < folded.Index, "the paragraph above is not above");
        Assert.True(html.IndexOf("<p>Paragraph below the fold.</p>", StringComparison.Ordinal) > folded.Index, "the paragraph below is not below");
    }

    [Fact]
    public void ATableRowWithTheWrongNumberOfCellsIsAnError()
    {
        var report = new ReportWriter("r");
        var e = Assert.Throws<ArgumentException>(() => report.Table(["A", "B"], [["1", "2"], ["3"]]));
        Assert.Contains("row 2 has 1 cells but there are 2 headers", e.Message);
    }

    [Fact]
    public void AScriptEndTagInsideChartTextCannotCloseTheScript()
    {
        var chart = MetricLines.Create("</script><b>x", "M", "y", [new LineSeries("</script>", [1], [1])]);
        var fragment = ChartHtml.Fragment(chart, "c1");
        Assert.Equal(1, Occurrences(fragment, "</script>"));
    }
}
