using System.Globalization;
using SubnetNotebooks.Plots;

namespace SubnetNotebooks.Experiments;

/// <summary>Writes report.html: a self-contained page (plotly.js inlined once) with every table and chart of a run.</summary>
public static class RunReport
{
    /// <summary>Builds and saves the report of <paramref name="outcome"/> into the run folder.</summary>
    public static void Write(ExperimentOutcome outcome, RunFolder folder)
    {
        var c = outcome.Config;
        var report = new ReportWriter($"SubnetNotebooks run: {c.Profile} / {c.Dataset} / M = {c.Members}");
        report.Text($"Model **{c.Model}** (widths {string.Join("-", c.Widths)}), seed {c.Seed}. Baselines {c.Epochs} epochs, parent {c.ParentEpochs}, " +
                    $"subnetworks {c.SubnetEpochs}; criterion {c.Criterion}, partition {c.Partition}, granularity {c.Granularity}, " +
                    (c.Inherit ? "members inherit the parent's weights." : "members re-initialised."));
        report.Heading("Results");
        string F(double v, string format) => double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
        report.Table(["method", "M", "accuracy", "NLL", "ECE", "Brier", "NLL (TS)", "ECE (TS)", "disagreement", "parameters", "train s"],
            outcome.Methods.Select(m => (IReadOnlyList<string>)[
                m.Method, m.Members.ToString(), F(m.Report.Test.Accuracy, "P2"), F(m.Report.Test.Nll, "F4"), F(m.Report.Test.Ece, "F4"),
                F(m.Report.Test.Brier, "F4"), F(m.Report.Temperature?.Test.Nll ?? double.NaN, "F4"), F(m.Report.Temperature?.Test.Ece ?? double.NaN, "F4"),
                F(m.Report.Diversity.MeanDisagreement, "F4"), m.Parameters.ToString("N0", CultureInfo.InvariantCulture), F(m.TrainingSeconds, "F0")]),
            "TS: after temperature scaling fitted on the validation split.");
        report.Chart(ExperimentCharts.Quality(outcome.Methods));
        report.Heading("Calibration");
        foreach (var m in outcome.Methods) report.Chart(ExperimentCharts.Reliability(m));
        EvaluationSections.Selective(report, outcome.Methods, F);
        EvaluationSections.OutOfDistribution(report, outcome.Methods, F);
        report.Heading("Diversity");
        report.Chart(ExperimentCharts.MemberQualityVersusDiversity(outcome.Methods));
        foreach (var m in outcome.Methods.Where(m => m.Members > 1)) report.Chart(ExperimentCharts.Disagreement(m));
        EvaluationSections.DiversityUnderShift(report, outcome.Methods);
        var shifted = outcome.Methods.Where(m => m.Shift is not null).Select(m => (m.Method, m.Shift!)).ToArray();
        if (shifted.Length > 0)
        {
            report.Heading("Dataset shift");
            report.Text($"Corrupted test images from {string.Join("; ", shifted.Select(s => s.Item2.Source).Distinct())}.");
            report.Chart(ExperimentCharts.Shift(shifted));
        }
        report.Heading("Cost");
        report.Chart(ExperimentCharts.QualityVersusCost(outcome.Methods));
        report.Heading("Training");
        foreach (var m in outcome.Methods) report.Chart(ExperimentCharts.TrainingLoss(m.Method, m.TrainingRuns));
        report.Save(folder.ReportPath);
    }
}
