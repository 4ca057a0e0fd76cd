using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SubnetNotebooks.Metrics;

/// <summary>
/// A method × metric table: one row per method, one column per metric key (the union of all rows'
/// keys, in first-seen order). Written as CSV (invariant culture, round-trip precision, empty cell
/// when a method lacks a metric, NaN as "NaN") or as JSON { method: { key: value } }.
/// </summary>
public sealed class MetricsTable
{
    readonly List<(string Method, IReadOnlyDictionary<string, double> Values)> _rows = [];
    readonly List<string> _columns = [];

    /// <summary>Method names in insertion order.</summary>
    public IReadOnlyList<string> Methods => _rows.Select(r => r.Method).ToArray();
    /// <summary>Metric keys in first-seen order.</summary>
    public IReadOnlyList<string> Columns => _columns;

    /// <summary>Adds (or replaces) the row of <paramref name="method"/>, e.g. with <see cref="EvaluationReport.Flatten"/>.</summary>
    public MetricsTable Add(string method, IReadOnlyDictionary<string, double> values)
    {
        int existing = _rows.FindIndex(r => r.Method == method);
        if (existing >= 0) _rows[existing] = (method, values);
        else _rows.Add((method, values));
        foreach (var key in values.Keys)
            if (!_columns.Contains(key)) _columns.Add(key);
        return this;
    }

    /// <summary>Every metric of <paramref name="method"/>'s row.</summary>
    public IReadOnlyDictionary<string, double> Row(string method) =>
        _rows.FirstOrDefault(r => r.Method == method).Values ?? throw new KeyNotFoundException($"no row for method '{method}'");

    /// <summary>The value of <paramref name="metric"/> for <paramref name="method"/>, or null.</summary>
    public double? Get(string method, string metric)
    {
        var row = _rows.FirstOrDefault(r => r.Method == method);
        return row.Values is not null && row.Values.TryGetValue(metric, out var v) ? v : null;
    }

    /// <summary>CSV text: header "method,key1,key2,…", one line per method.</summary>
    public string ToCsv()
    {
        var text = new StringBuilder();
        text.Append("method");
        foreach (var column in _columns) text.Append(',').Append(Escape(column));
        text.Append('\n');
        foreach (var (method, values) in _rows)
        {
            text.Append(Escape(method));
            foreach (var column in _columns)
            {
                text.Append(',');
                if (values.TryGetValue(column, out var v)) text.Append(v.ToString("R", CultureInfo.InvariantCulture));
            }
            text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>JSON object keyed by method, each a { metric: value } object; NaN written as "NaN".</summary>
    public string ToJson() => JsonSerializer.Serialize(
        _rows.ToDictionary(r => r.Method, r => r.Values),
        new JsonSerializerOptions { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals });

    /// <summary>Reads what <see cref="ToJson"/> wrote: { method: { metric: value } }, "NaN" included.</summary>
    public static MetricsTable FromJson(string json)
    {
        var rows = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, double>>>(json,
            new JsonSerializerOptions { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals }) ?? [];
        var table = new MetricsTable();
        foreach (var (method, values) in rows) table.Add(method, values);
        return table;
    }

    /// <summary>Writes <see cref="ToCsv"/> to <paramref name="path"/> (folders are created).</summary>
    public void SaveCsv(string path) => Save(path, ToCsv());

    /// <summary>Writes <see cref="ToJson"/> to <paramref name="path"/> (folders are created).</summary>
    public void SaveJson(string path) => Save(path, ToJson());

    static void Save(string path, string text)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        File.WriteAllText(path, text);
    }

    static string Escape(string cell) =>
        cell.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;
}
