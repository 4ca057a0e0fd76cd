using SubnetNotebooks.Plots;
using Plotly.NET;

namespace SubnetNotebooks.Experiments;

/// <summary>The report.html of a seed sweep: the summary tables and the charts with ± one standard deviation as error bars.</summary>
public static class SeedReport
{
    /// <summary>Accuracy, NLL, ECE and Brier score per method, one panel and y axis per metric: the mean over seeds, error bars ± one sample standard deviation.</summary>
    public static GenericChart Quality(SeedSummary summary) =>
        Bars(summary, "Quality per method (mean ± std over seeds)", ["accuracy", "nll", "ece", "brier"], null);

    /// <summary>Training seconds per method, mean ± std over seeds.</summary>
    public static GenericChart TrainingSeconds(SeedSummary summary) =>
        Bars(summary, "Training time per method (mean ± std over seeds)", ["cost.train_seconds"], "seconds");

    /// <summary>Bars on one y axis titled <paramref name="yTitle"/>, or one panel per metric when it is null.</summary>
    static GenericChart Bars(SeedSummary summary, string title, string[] metrics, string? yTitle)
    {
        var values = new double[summary.Methods.Count, metrics.Length];
        var errors = new double[summary.Methods.Count, metrics.Length];
        for (int i = 0; i < summary.Methods.Count; i++)
            for (int k = 0; k < metrics.Length; k++)
            {
                var s = summary.Get(summary.Methods[i], metrics[k]);
                values[i, k] = s?.Mean ?? double.NaN;
                errors[i, k] = s?.StandardDeviation ?? double.NaN;
            }
        return yTitle is null ? MethodBars.Panels(title, summary.Methods, metrics, values, errors)
            : MethodBars.Create(title, summary.Methods, metrics, values, errors, yTitle);
    }

    /// <summary>Builds and saves the report to <paramref name="path"/>.</summary>
    public static void Write(SeedSummary summary, ExperimentConfig config, string path)
    {
        var report = new ReportWriter($"SubnetNotebooks seeds {string.Join(", ", summary.Seeds)}: {config.Profile} / {config.Dataset} / M = {config.Members}");
        report.Text($"Model **{config.Model}** (widths {string.Join("-", config.Widths)}). Baselines {config.Epochs} epochs, parent {config.ParentEpochs}, " +
                    $"subnetworks {config.SubnetEpochs}. Every seed's run folder is seed<S>/ beside this file.");
        report.Heading("Results");
        string[] first = ["method", "n"];
        report.Table(first.Concat(SeedSummaryTable.Columns.Select(c => c.Header)).ToArray(), SeedSummaryTable.Rows(summary, SeedSummaryTable.Columns),
            "Mean ± sample standard deviation over seeds. TS: after temperature scaling fitted on the validation split.");
        var budget = SeedSummaryTable.BudgetMethods(summary);
        if (budget.Count > 0)
            report.Table(first.Concat(SeedSummaryTable.BudgetColumns.Select(c => c.Header)).ToArray(),
                SeedSummaryTable.Rows(summary, SeedSummaryTable.BudgetColumns, budget), "Equal-budget split: the training cost matches MC dropout's.");
        report.Chart(Quality(summary), "quality");
        report.Heading("Cost");
        report.Chart(TrainingSeconds(summary), "training-seconds");
        report.Save(path);
    }
}
