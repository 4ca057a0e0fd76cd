using System.Text.Json;
using Plotly.NET;

namespace SubnetNotebooks.Tests.Plots;

/// <summary>Reads a chart back through Plotly.NET's own JSON: the figure a browser would draw.</summary>
static class Figure
{
    public static JsonElement Of(GenericChart chart) => JsonDocument.Parse(GenericChart.toJson(chart)).RootElement;

    public static JsonElement[] Traces(GenericChart chart) => Of(chart).GetProperty("data").EnumerateArray().ToArray();

    public static double[] Numbers(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    public static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    public static string AxisTitle(GenericChart chart, string axis) =>
        Of(chart).GetProperty("layout").GetProperty(axis).GetProperty("title").GetProperty("text").GetString()!;

    /// <summary>The layout's y axes (yaxis, yaxis2, ...) in order, each with its title text ("" when untitled).</summary>
    public static string[] YAxisTitles(GenericChart chart) =>
        Of(chart).GetProperty("layout").EnumerateObject().Where(p => p.Name == "yaxis" || (p.Name.StartsWith("yaxis") && int.TryParse(p.Name[5..], out _)))
            .OrderBy(p => p.Name.Length).ThenBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => p.Value.TryGetProperty("title", out var t) && t.TryGetProperty("text", out var text) ? text.GetString()! : "").ToArray();

    /// <summary>The texts of the layout's annotations: a grid's panel titles, in panel order.</summary>
    public static string[] PanelTitles(GenericChart chart) =>
        Of(chart).GetProperty("layout").GetProperty("annotations").EnumerateArray().Select(a => a.GetProperty("text").GetString()!).ToArray();

    public static string Title(GenericChart chart) =>
        Of(chart).GetProperty("layout").GetProperty("title").GetProperty("text").GetString()!;
}
