using Microsoft.DotNet.Interactive.Formatting;
using SubnetNotebooks.Experiments;
using SubnetNotebooks.Interactive;

namespace SubnetNotebooks.NotebookTests.Interactive;

public class NotebookTablesTests
{
    /// <summary>
    /// A quality row as a notebook table: accuracy 0.991458402762423 shows as 99.15 %, NLL 0.318765 as 0.3188, ECE 0.0391234 as
    /// 0.0391, the temperature 1.23456 as 1.23, M = 4 as 4; none of the 15-digit values reaches the page.
    /// </summary>
    [Fact]
    public void TablesShowEachMetricWithItsMeaningfulDigits()
    {
        QualityRow[] rows = [new("subnet", 4, 0.991458402762423, 0.318765432, 0.0391234, 0.14751234, 1.23456, 0.99124999, 0.3011111, 0.009012345, 0.1466666)];
        var table = rows.ToTable();
        var row = table.Data.Single();
        Assert.Equal("99.15 %", row.Single(c => c.Key == "Accuracy").Value);
        Assert.Equal("0.3188", row.Single(c => c.Key == "Nll").Value);
        Assert.Equal("0.0391", row.Single(c => c.Key == "Ece").Value);
        Assert.Equal("1.23", row.Single(c => c.Key == "Temperature").Value);
        Assert.Equal("subnet", row.Single(c => c.Key == "Method").Value);
        var html = table.ToDisplayString(HtmlFormatter.MimeType);
        Assert.Contains("99.15 %", html);
        Assert.DoesNotContain("0.991458", html);
        Assert.DoesNotContain("0.31876", html);
    }
}
