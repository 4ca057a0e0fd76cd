using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using SubnetNotebooks.Metrics;

namespace SubnetNotebooks.Experiments;

/// <summary>One metric of one method over seeds: the mean, the sample standard deviation (n - 1; NaN below two seeds) and n.</summary>
public sealed record SeedStatistic(double Mean, double StandardDeviation, int Count)
{
    /// <summary>The statistic of the finite values among <paramref name="values"/> (NaN mean when none is finite).</summary>
    public static SeedStatistic Of(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length == 0) return new(double.NaN, double.NaN, 0);
        double mean = finite.Average();
        double std = finite.Length < 2 ? double.NaN : Math.Sqrt(finite.Sum(v => (v - mean) * (v - mean)) / (finite.Length - 1));
        return new(mean, std, finite.Length);
    }
}

/// <summary>
/// Every method x metric of one experiment over several seeds, from each seed's metrics.json: mean ± sample standard
/// deviation and n. Adds cost.train_ratio_mcdropout, each seed's training seconds over that seed's MC dropout's.
/// Written as summary.json { seeds, methods: { method: { metric: { mean, std, n } } } }, summary.csv (one line per
/// method and metric) and summary.md (<see cref="SeedSummaryTable"/>).
/// </summary>
public sealed class SeedSummary
{
    /// <summary>The derived key: a method's training seconds divided by MC dropout's in the same seed.</summary>
    public const string TrainRatioKey = "cost.train_ratio_mcdropout";

    readonly Dictionary<string, Dictionary<string, SeedStatistic>> _rows;

    SeedSummary(IReadOnlyList<long> seeds, IReadOnlyList<string> methods, IReadOnlyList<string> metrics, Dictionary<string, Dictionary<string, SeedStatistic>> rows)
    {
        Seeds = seeds; Methods = methods; Metrics = metrics; _rows = rows;
    }

    /// <summary>The seeds summarised, in order.</summary>
    public IReadOnlyList<long> Seeds { get; }
    /// <summary>Methods in first-seen order.</summary>
    public IReadOnlyList<string> Methods { get; }
    /// <summary>Metric keys in first-seen order.</summary>
    public IReadOnlyList<string> Metrics { get; }

    /// <summary>The statistic of <paramref name="metric"/> for <paramref name="method"/>, or null when no seed has it.</summary>
    public SeedStatistic? Get(string method, string metric) =>
        _rows.TryGetValue(method, out var row) && row.TryGetValue(metric, out var s) ? s : null;

    /// <summary>Summarises one metrics table per seed (the rows of <paramref name="methods"/> only, in that order; null: every row).</summary>
    public static SeedSummary FromTables(IReadOnlyList<(long Seed, MetricsTable Table)> runs, IReadOnlyList<string>? methods = null)
    {
        if (runs.Count == 0) throw new ArgumentException("No seed to summarise: pass --seeds 0,1,2.", nameof(runs));
        var order = (methods ?? runs.SelectMany(r => r.Table.Methods).Distinct().ToArray()).Where(m => runs.Any(r => r.Table.Methods.Contains(m))).ToArray();
        var rows = new Dictionary<string, Dictionary<string, SeedStatistic>>();
        var metrics = new List<string>();
        foreach (var method in order)
        {
            var perSeed = runs.Where(r => r.Table.Methods.Contains(method)).Select(r => WithTrainRatio(r.Table, method)).ToArray();
            var keys = perSeed.SelectMany(v => v.Keys).Distinct().ToArray();
            rows[method] = keys.ToDictionary(k => k, k => SeedStatistic.Of(perSeed.Where(v => v.ContainsKey(k)).Select(v => v[k])));
            foreach (var k in keys.Where(k => !metrics.Contains(k))) metrics.Add(k);
        }
        return new SeedSummary(runs.Select(r => r.Seed).ToArray(), order, metrics, rows);
    }

    static Dictionary<string, double> WithTrainRatio(MetricsTable table, string method)
    {
        var values = new Dictionary<string, double>(table.Row(method));
        if (values.TryGetValue("cost.train_seconds", out var seconds) && table.Get("mcdropout", "cost.train_seconds") is double mc && mc > 0)
            values[TrainRatioKey] = seconds / mc;
        return values;
    }

    /// <summary>{ "seeds": [...], "methods": { method: { metric: { "mean", "std", "n" } } } }; NaN written as "NaN".</summary>
    public string ToJson() => JsonSerializer.Serialize(new
    {
        seeds = Seeds,
        methods = Methods.ToDictionary(m => m, m => Metrics.Where(k => _rows[m].ContainsKey(k))
            .ToDictionary(k => k, k => new { mean = _rows[m][k].Mean, std = _rows[m][k].StandardDeviation, n = _rows[m][k].Count })),
    }, new JsonSerializerOptions { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals });

    /// <summary>CSV: header method,metric,mean,std,n and one line per method and metric (invariant culture, round-trip precision).</summary>
    public string ToCsv()
    {
        var text = new StringBuilder("method,metric,mean,std,n\n");
        foreach (var m in Methods)
            foreach (var k in Metrics.Where(k => _rows[m].ContainsKey(k)))
            {
                var s = _rows[m][k];
                text.Append(CultureInfo.InvariantCulture, $"{m},{k},{s.Mean:R},{s.StandardDeviation:R},{s.Count}\n");
            }
        return text.ToString();
    }

    /// <summary>Writes summary.json, summary.csv and summary.md into <paramref name="folder"/>.</summary>
    public void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "summary.json"), ToJson());
        File.WriteAllText(Path.Combine(folder, "summary.csv"), ToCsv());
        File.WriteAllText(Path.Combine(folder, "summary.md"), SeedSummaryTable.Markdown(this));
    }
}
