using System.Globalization;
using System.Text;

namespace SubnetNotebooks.Experiments;

/// <summary>One column of the seed summary table: its header, metric key, scale and number format (a .NET numeric format,
/// or <see cref="SeedSummaryTable.Seconds"/>), and whether it shows ± std.</summary>
public sealed record SummaryColumn(string Header, string Metric, string Format, double Scale = 1, bool WithDeviation = true);

/// <summary>
/// The seed summary as the README's results table: one row per method, each metric as "mean ± std" (sample standard
/// deviation over seeds), n the number of seeds; parameters and FLOPs (the same in every seed) as the mean alone.
/// Below it the equal-budget split of every method trained to a budget.
/// </summary>
public static class SeedSummaryTable
{
    /// <summary>The format of a seconds column: whole seconds from 10 s, one decimal from 1 s, two below (a smoke run's
    /// training takes a fraction of a second), the deviation at the mean's precision.</summary>
    public const string Seconds = "seconds";

    /// <summary>The columns of the main table, in order.</summary>
    public static IReadOnlyList<SummaryColumn> Columns { get; } =
    [
        new("accuracy %", "accuracy", "F2", 100), new("NLL", "nll", "F4"), new("ECE", "ece", "F4"), new("Brier", "brier", "F4"),
        new("NLL (TS)", "ts.nll", "F4"), new("ECE (TS)", "ts.ece", "F4"), new("mean member acc. %", "member.mean_accuracy", "F2", 100),
        new("disagreement", "diversity.disagreement", "F4"), new("OOD AUROC", "ood.auroc.entropy", "F3"),
        new("OOD AUROC (energy)", "ood.auroc.energy", "F3"), new("AURC", "aurc", "F4"), new("AUGRC", "augrc", "F4"), new("AURC (TS)", "ts.aurc", "F4"),
        new("parameters", "cost.parameters", "N0", WithDeviation: false), new("MFLOPs/example", "cost.flops_per_example", "F2", 1e-6, false),
        new("executed MFLOPs", "cost.executed_flops_per_example", "F2", 1e-6, false),
        new("train s", "cost.train_seconds", Seconds), new("train / MC dropout", SeedSummary.TrainRatioKey, "F2"),
    ];

    /// <summary>The columns of the budget table (methods with budget.* metrics).</summary>
    public static IReadOnlyList<SummaryColumn> BudgetColumns { get; } =
    [
        new("FLOPs budget", "budget.currency_flops", "F0", WithDeviation: false),
        new("parent epochs", "budget.parent_epochs", "F1"), new("member epochs", "budget.member_epochs", "F1"),
        new("train TFLOPs", "budget.train_flops", "F2", 1e-12), new("FLOPs / MC dropout", "budget.flops_ratio", "F3"),
        new("train s", "cost.train_seconds", Seconds), new("seconds / MC dropout", "budget.seconds_ratio", "F3"),
    ];

    /// <summary>One cell: "mean ± std" (or the mean alone: one seed, or a column without deviation); "-" when no seed has the metric.</summary>
    public static string Cell(SeedStatistic? s, SummaryColumn column)
    {
        if (s is null || !double.IsFinite(s.Mean)) return "-";
        var format = column.Format != Seconds ? column.Format : Math.Abs(s.Mean * column.Scale) switch { >= 10 => "F0", >= 1 => "F1", _ => "F2" };
        string F(double v) => (v * column.Scale).ToString(format, CultureInfo.InvariantCulture);
        return column.WithDeviation && double.IsFinite(s.StandardDeviation) ? $"{F(s.Mean)} ± {F(s.StandardDeviation)}" : F(s.Mean);
    }

    /// <summary>The rows of <paramref name="columns"/>: method, n, then one cell per column.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Rows(SeedSummary summary, IReadOnlyList<SummaryColumn> columns, IEnumerable<string>? methods = null) =>
        (methods ?? summary.Methods).Select(m => (IReadOnlyList<string>)new[] { m, Count(summary, m).ToString(CultureInfo.InvariantCulture) }
            .Concat(columns.Select(c => Cell(summary.Get(m, c.Metric), c))).ToArray()).ToArray();

    /// <summary>Methods trained to MC dropout's budget (they report budget.member_epochs).</summary>
    public static IReadOnlyList<string> BudgetMethods(SeedSummary summary) =>
        summary.Methods.Where(m => summary.Get(m, "budget.member_epochs") is not null).ToArray();

    /// <summary>summary.md: a caption line, the main table and, when any method was trained to a budget, the budget table.</summary>
    public static string Markdown(SeedSummary summary)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"Mean ± sample standard deviation (n - 1) over seeds {string.Join(", ", summary.Seeds)}; n: seeds with the method. TS: after temperature scaling on the validation split. OOD: AUROC of predictive entropy, and of the energy of the members' mean logits. AURC, AUGRC: areas under the (generalized) risk-coverage curve, samples ranked by maximum probability. train / MC dropout: training seconds over MC dropout's in the same seed.\n\n");
        Table(text, Columns, Rows(summary, Columns));
        var budget = BudgetMethods(summary);
        if (budget.Count > 0)
        {
            text.Append("\nEqual-budget rows: epochs chosen so that the training cost equals MC dropout's, in training FLOPs as executed " +
                "(FLOPs budget 1) or in measured seconds (0); both ratios to MC dropout's are shown (seconds where MC dropout's were known).\n\n");
            Table(text, BudgetColumns, Rows(summary, BudgetColumns, budget));
        }
        return text.ToString();
    }

    static int Count(SeedSummary summary, string method) =>
        summary.Metrics.Select(k => summary.Get(method, k)?.Count ?? 0).DefaultIfEmpty(0).Max();

    static void Table(StringBuilder text, IReadOnlyList<SummaryColumn> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        text.Append("| method | n | ").Append(string.Join(" | ", columns.Select(c => c.Header))).Append(" |\n");
        text.Append("|---|---:|").Append(string.Concat(columns.Select(_ => "---:|"))).Append('\n');
        foreach (var row in rows) text.Append("| ").Append(string.Join(" | ", row)).Append(" |\n");
    }
}
