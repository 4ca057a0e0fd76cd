using SubnetNotebooks.Metrics;
using SubnetNotebooks.Plots;

namespace SubnetNotebooks.Experiments.Sweeps;

/// <summary>What `subnet collect` found: each experiment's summary over the seeds it has, and every job not done.</summary>
public sealed record SweepCollection(IReadOnlyList<(string Experiment, SeedSummary Summary)> Summaries, IReadOnlyList<(SweepJob Job, JobState State)> Unfinished)
{
    /// <summary>
    /// Merges the finished run folders of the sweep at <paramref name="plan"/>: every seed's methods into
    /// &lt;experiment&gt;/seed&lt;S&gt;/metrics.json (+ .csv), the seeds into &lt;experiment&gt;/summary.json, .csv and .md
    /// (mean ± sample std per method x metric), and everything into report.html at the sweep's root, which lists the
    /// jobs not done. <paramref name="states"/>: each job's state (default: its marks).
    /// </summary>
    public static SweepCollection Collect(SweepPlan plan, IReadOnlyDictionary<string, JobState>? states = null)
    {
        states ??= plan.Jobs.ToDictionary(j => j.Id, j => JobMarks.Read(plan.Root, j));
        var summaries = new List<(string, SeedSummary)>();
        foreach (var experiment in plan.Experiments.Select(e => e.Name))
        {
            var runs = new List<(long Seed, MetricsTable Table)>();
            foreach (var seed in plan.Seeds)
            {
                var table = new MetricsTable();
                foreach (var job in plan.Jobs.Where(j => j.Experiment == experiment && j.Seed == seed && j.Evaluates && states[j.Id] == JobState.Done))
                {
                    var metrics = Path.Combine(plan.RunFolder(job), "metrics.json");
                    if (!File.Exists(metrics))
                        throw new FileNotFoundException($"Job {job.Id} is marked done but {metrics} is missing. Delete {JobMarks.Done(plan.Root, job)} and rerun the sweep to train it again.", metrics);
                    var row = MetricsTable.FromJson(File.ReadAllText(metrics));
                    table.Add(job.Method, row.Row(job.Method));
                }
                if (table.Methods.Count == 0) continue;
                var folder = Path.Combine(plan.Root, experiment, $"seed{seed}");
                table.SaveJson(Path.Combine(folder, "metrics.json"));
                table.SaveCsv(Path.Combine(folder, "metrics.csv"));
                runs.Add((seed, table));
            }
            if (runs.Count == 0) continue;
            var summary = SeedSummary.FromTables(runs, plan.Methods);
            summary.Save(Path.Combine(plan.Root, experiment));
            summaries.Add((experiment, summary));
        }
        var unfinished = plan.Jobs.Where(j => states[j.Id] != JobState.Done).Select(j => (j, states[j.Id])).ToArray();
        var collection = new SweepCollection(summaries, unfinished);
        collection.WriteReport(plan);
        return collection;
    }

    /// <summary>The sweep's report.html: per experiment the summary table and quality chart, then the jobs not done.</summary>
    public string WriteReport(SweepPlan plan)
    {
        var report = new ReportWriter($"SubnetNotebooks sweep: {plan.Profile}, {plan.Experiments.Count} experiment(s), seeds {string.Join(", ", plan.Seeds)}");
        report.Text($"Methods {string.Join(", ", plan.Methods)}; {plan.Jobs.Count} jobs, {plan.Jobs.Count - Unfinished.Count} done. " +
                    "Each experiment's config.json, summary.json/.csv/.md and seed<S>/<method>/ run folders are beside this file.");
        string[] first = ["method", "n"];
        foreach (var (experiment, summary) in Summaries)
        {
            report.Heading(experiment);
            report.Table(first.Concat(SeedSummaryTable.Columns.Select(c => c.Header)).ToArray(), SeedSummaryTable.Rows(summary, SeedSummaryTable.Columns),
                $"Mean ± sample standard deviation over seeds {string.Join(", ", summary.Seeds)}.");
            report.Chart(SeedReport.Quality(summary));
        }
        report.Heading("Unfinished jobs");
        if (Unfinished.Count == 0) report.Text("None: every job is done.");
        else report.Table(["job", "state", "run folder"], Unfinished.Select(u => (IReadOnlyList<string>)[u.Job.Id, u.State.ToString().ToLowerInvariant(), u.Job.Folder]),
            "Not in the summaries above: rerun the sweep command to run them, then collect again.");
        var path = Path.Combine(plan.Root, "report.html");
        report.Save(path);
        return path;
    }
}
