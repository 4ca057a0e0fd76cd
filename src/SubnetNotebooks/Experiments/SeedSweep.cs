using SubnetNotebooks.Metrics;

namespace SubnetNotebooks.Experiments;

/// <summary>
/// One experiment over several seeds (`subnet reproduce --seeds 0,1,2`): a run folder per seed, ROOT/seed&lt;S&gt; (each
/// resumable; a seed whose metrics.json already has every configured method is not trained again), and beside them
/// ROOT/summary.json, summary.csv, summary.md (<see cref="SeedSummary"/>) and report.html with error bars.
/// </summary>
public static class SeedSweep
{
    /// <summary>runs/&lt;profile&gt;-&lt;dataset&gt;-m&lt;M&gt;-seeds: the default root of a sweep.</summary>
    public static string DefaultRoot(ExperimentConfig config) => Path.Combine("runs", $"{config.Profile}-{config.Dataset}-m{config.Members}-seeds");

    /// <summary>The run folder of <paramref name="seed"/> under <paramref name="root"/>: ROOT/seed&lt;S&gt;.</summary>
    public static string SeedFolder(string root, long seed) => Path.Combine(root, $"seed{seed}");

    /// <summary>Parses "0,1,2" (or a range "0-2") into seeds; an error names the bad entry.</summary>
    public static IReadOnlyList<long> ParseSeeds(string text)
    {
        var seeds = new List<long>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var range = part.Split('-', 2);
            if (range.Length == 2 && long.TryParse(range[0], out var from) && long.TryParse(range[1], out var to) && from <= to)
                for (long s = from; s <= to; s++) seeds.Add(s);
            else if (long.TryParse(part, out var seed)) seeds.Add(seed);
            else throw new ArgumentException($"--seeds {text}: '{part}' is not a seed; expected non-negative integers such as 0,1,2 or 0-2.");
        }
        if (seeds.Count == 0) throw new ArgumentException($"--seeds '{text}' names no seed; pass e.g. --seeds 0,1,2.");
        if (seeds.Distinct().Count() != seeds.Count) throw new ArgumentException($"--seeds {text} names a seed twice; each seed runs once.");
        return seeds;
    }

    /// <summary>True when <paramref name="folder"/> already holds the metrics of every method of <paramref name="config"/>.</summary>
    public static bool IsFinished(ExperimentConfig config, string folder)
    {
        var metrics = Path.Combine(folder, "metrics.json");
        if (!File.Exists(metrics) || !File.Exists(Path.Combine(folder, "report.html"))) return false;
        RunFolder.Open(folder, config);
        var table = MetricsTable.FromJson(File.ReadAllText(metrics));
        return config.Methods.All(table.Methods.Contains);
    }

    /// <summary>Runs (or resumes, or keeps) every seed, then writes the summary files and report beside the seed folders.</summary>
    public static SeedSummary Run(ExperimentConfig config, IReadOnlyList<long> seeds, string root, IExperimentObserver? observer = null,
        CancellationToken cancellation = default)
    {
        var tables = new List<(long, MetricsTable)>();
        foreach (var seed in seeds)
        {
            cancellation.ThrowIfCancellationRequested();
            var seeded = config with { Seed = seed };
            var folder = SeedFolder(root, seed);
            if (IsFinished(seeded, folder)) observer?.OnStage($"seed {seed}", $"{folder} is finished: kept, not trained again");
            else
            {
                observer?.OnStage($"seed {seed}", $"training into {folder}");
                ExperimentRunner.Run(seeded, folder, observer, cancellation, studyFolder: root);
            }
            tables.Add((seed, MetricsTable.FromJson(File.ReadAllText(Path.Combine(folder, "metrics.json")))));
        }
        var summary = SeedSummary.FromTables(tables, config.Methods);
        summary.Save(root);
        SeedReport.Write(summary, config, Path.Combine(root, "report.html"));
        return summary;
    }
}
