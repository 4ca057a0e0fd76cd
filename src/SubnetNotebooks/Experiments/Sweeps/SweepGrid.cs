using System.Text;

namespace SubnetNotebooks.Experiments.Sweeps;

/// <summary>One point of a grid: its folder name and the config overrides (key, value) that make it.</summary>
public sealed record SweepPoint(string Name, IReadOnlyList<KeyValuePair<string, string>> Settings);

/// <summary>Expands `--grid key=v1,v2` axes into their cartesian product of experiments.</summary>
public static class SweepGrid
{
    /// <summary>The name of the only experiment of a sweep without a grid.</summary>
    public const string BaseName = "base";

    /// <summary>Parses one `--grid key=v1,v2,...` (a list-valued field takes `;` between values: widths=64,64;128,128).</summary>
    public static (string Key, IReadOnlyList<string> Values) ParseAxis(string text)
    {
        int eq = text.IndexOf('=');
        if (eq <= 0 || eq == text.Length - 1)
            throw new ArgumentException($"--grid {text}: expected KEY=V1,V2 (e.g. --grid lr=0.05,0.1; lists: --grid widths=64,64;128,128).");
        var values = text[(eq + 1)..];
        var separator = values.Contains(';') ? ';' : ',';
        return (text[..eq].Trim(), values.Split(separator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    /// <summary>Every combination of the axes (the first axis varies slowest); no axis: the one experiment "base".</summary>
    public static IReadOnlyList<SweepPoint> Expand(IReadOnlyList<(string Key, IReadOnlyList<string> Values)> axes)
    {
        var duplicate = axes.GroupBy(a => a.Key, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"--grid {duplicate.Key} is given {duplicate.Count()} times: list every value in one --grid {duplicate.Key}=V1,V2.");
        IEnumerable<List<KeyValuePair<string, string>>> points = [[]];
        foreach (var (key, values) in axes)
            points = points.SelectMany(p => values.Select(v => new List<KeyValuePair<string, string>>(p) { new(key, v) })).ToArray();
        return points.Select(p => new SweepPoint(p.Count == 0 ? BaseName : string.Join("_", p.Select(s => FolderName(s.Key) + "-" + FolderName(s.Value))), p)).ToArray();
    }

    /// <summary>A value as a folder-name fragment: letters, digits, '.', '+' and '-' kept, others become '+'.</summary>
    static string FolderName(string text)
    {
        var name = new StringBuilder();
        foreach (var c in text) name.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '+');
        return name.ToString();
    }
}
