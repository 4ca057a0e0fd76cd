using System.Globalization;
using System.Text;

namespace SubnetNotebooks.Benchmarks;

/// <summary>The benchmark figures as a Markdown table, for BENCHMARKS.md.</summary>
public static class BenchmarkTable
{
    /// <summary>One row per figure: id, comparison, ratio, target, met, numerator, denominator, notes.</summary>
    public static string Markdown(IEnumerable<BenchmarkFigure> figures)
    {
        var text = new StringBuilder();
        text.AppendLine("| | Figure | Ratio | Target | Met | Numerator | Denominator | Notes |");
        text.AppendLine("|---|---|---:|---|---|---:|---:|---|");
        foreach (var f in figures)
            text.AppendLine($"| {f.Id} | {Cell(f.Name)} | {FormatRatio(f.Ratio)} | {Cell(f.TargetText)} | {(f.Kind == TargetKind.Reported ? "-" : f.Met ? "yes" : "**no**")} | {f.Numerator} | {f.Denominator} | {Cell(f.Notes)} |");
        return text.ToString();
    }

    /// <summary>A ratio with two decimals (three below 0.1).</summary>
    public static string FormatRatio(double ratio) =>
        ratio.ToString(Math.Abs(ratio) < 0.1 ? "0.000" : "0.00", CultureInfo.InvariantCulture);

    /// <summary>Seconds as milliseconds with two decimals, e.g. "12.34 ms".</summary>
    public static string Milliseconds(double seconds) => (seconds * 1000).ToString("0.00", CultureInfo.InvariantCulture) + " ms";

    static string Cell(string text) => text.Replace("|", "\\|").Replace("<", "&lt;").Replace(">", "&gt;");
}
