using System.Globalization;

namespace SubnetNotebooks.Plots;

/// <summary>
/// A metric as tables show it, with the digits that mean something: accuracy and other rates as a percentage with two
/// decimals, NLL, ECE, Brier score and the like with four, counts with thousands separators, seconds with one. The files
/// of a run (metrics.json, metrics.csv) keep the full values.
/// </summary>
public static class MetricFormat
{
    /// <summary>The .NET format of the metric or column named <paramref name="name"/> (e.g. accuracy, ts.nll, MeanMemberAccuracy, Parameters).</summary>
    /// <param name="name">a metric key of metrics.json or a table's column name, any case</param>
    public static string FormatOf(string name)
    {
        var key = name.ToLowerInvariant().Replace("_", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
        if (key.Contains("accuracy") || key.EndsWith("share", StringComparison.Ordinal) || key.Contains("coverage")) return "P2";
        if (key.Contains("parameters") || key.Contains("flops") || key.Contains("bytes") || key.EndsWith("members", StringComparison.Ordinal)
            || key == "member" || key.EndsWith("count", StringComparison.Ordinal) || key.Contains("epoch")) return "N0";
        if (key.Contains("seconds")) return "F1";
        if (key.Contains("temperature") || key.Contains("vsmcdropout")) return "F2";
        return "F4";
    }

    /// <summary><paramref name="value"/> formatted as <see cref="FormatOf"/> says for <paramref name="name"/>; "-" for NaN or infinity.</summary>
    /// <param name="name">a metric key or column name</param>
    /// <param name="value">the value</param>
    public static string Format(string name, double value) => Format(value, FormatOf(name));

    /// <summary><paramref name="value"/> in .NET format <paramref name="format"/> (invariant culture); "-" for NaN or infinity.</summary>
    /// <param name="value">the value</param>
    /// <param name="format">e.g. P2, F4, N0</param>
    public static string Format(double value, string format) =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "-";

    /// <summary>A table cell: numbers formatted by their column's name, anything else as its text.</summary>
    /// <param name="column">the column's name</param>
    /// <param name="value">the cell's value</param>
    public static object Cell(string column, object? value) => value switch
    {
        double d => Format(column, d),
        float f => Format(column, f),
        long or int when FormatOf(column) == "N0" => Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString("N0", CultureInfo.InvariantCulture),
        null => "",
        _ => value,
    };
}
