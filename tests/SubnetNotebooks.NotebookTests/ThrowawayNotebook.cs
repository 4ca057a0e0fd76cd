using System.Text.Json;
using System.Text.Json.Nodes;

namespace SubnetNotebooks.NotebookTests;

/// <summary>Writes small .ipynb files for tests, as plain nbformat 4 JSON, and reads executed ones back.</summary>
static class ThrowawayNotebook
{
    /// <summary>A markdown cell (for <see cref="Write"/>): prefix the text with "md:".</summary>
    public static string Markdown(string text) => "md:" + text;

    /// <summary>Writes a notebook whose cells are code unless marked with <see cref="Markdown"/>.</summary>
    public static string Write(string folder, string name, params string[] cells)
    {
        var array = new JsonArray();
        foreach (var cell in cells)
        {
            bool markdown = cell.StartsWith("md:", StringComparison.Ordinal);
            var node = new JsonObject
            {
                ["cell_type"] = markdown ? "markdown" : "code",
                ["metadata"] = new JsonObject(),
                ["source"] = markdown ? cell[3..] : cell,
            };
            if (!markdown)
            {
                node["execution_count"] = null;
                node["outputs"] = new JsonArray();
            }
            array.Add(node);
        }
        var notebook = new JsonObject
        {
            ["cells"] = array,
            ["metadata"] = new JsonObject
            {
                ["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" },
                ["language_info"] = new JsonObject { ["name"] = "C#" },
            },
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, notebook.ToJsonString());
        return path;
    }

    /// <summary>The cells of an executed notebook.</summary>
    public static JsonElement[] Cells(string path) =>
        JsonDocument.Parse(File.ReadAllText(path)).RootElement.GetProperty("cells").EnumerateArray().ToArray();

    /// <summary>The outputs of one cell (1-based, as the runner numbers cells).</summary>
    public static JsonElement[] Outputs(string path, int cell) =>
        Cells(path)[cell - 1].TryGetProperty("outputs", out var outputs) ? outputs.EnumerateArray().ToArray() : [];

    /// <summary>Joins nbformat's "multiline string" (a string or an array of strings).</summary>
    public static string Text(JsonElement value) => value.ValueKind == JsonValueKind.Array
        ? string.Concat(value.EnumerateArray().Select(v => v.GetString()))
        : value.GetString() ?? "";

    /// <summary>The text/html of every display or result output of a cell.</summary>
    public static string[] Html(string path, int cell) => Outputs(path, cell)
        .Where(o => o.TryGetProperty("data", out var d) && d.TryGetProperty("text/html", out _))
        .Select(o => Text(o.GetProperty("data").GetProperty("text/html")))
        .ToArray();
}
