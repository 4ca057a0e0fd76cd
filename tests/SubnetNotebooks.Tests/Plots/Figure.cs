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

    public static string Title(GenericChart chart) =>
        Of(chart).GetProperty("layout").GetProperty("title").GetProperty("text").GetString()!;
}
