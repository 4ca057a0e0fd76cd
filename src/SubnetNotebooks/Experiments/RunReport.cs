using System.Globalization;
using SubnetNotebooks.Experiments.Findings;
using SubnetNotebooks.Plots;

namespace SubnetNotebooks.Experiments;

/// <summary>
/// Writes report.html: a self-contained page (plotly.js inlined once) that opens with what the run shows about the paper's
/// claims (computed verdicts) and the results table, then the charts that compare the methods, each in one colour and place.
/// </summary>
public static class RunReport
{
    /// <summary>Builds and saves the report of <paramref name="outcome"/> into the run folder.</summary>
    /// <param name="outcome">the evaluated methods of the run</param>
    /// <param name="folder">the run folder (report.html goes to its root)</param>
    public static void Write(ExperimentOutcome outcome, RunFolder folder)
    {
        var c = outcome.Config;
        var methods = MethodPalette.Ordered(outcome.Methods, m => m.Method);
        var report = new ReportWriter($"SubnetNotebooks run: {c.Profile} / {c.Dataset} / M = {c.Members}");
        report.Text($"Model **{c.Model}** (widths {string.Join("-", c.Widths)}), seed {c.Seed}. Baselines {c.Epochs} epochs, parent {c.ParentEpochs}, " +
                    $"subnetworks {c.SubnetEpochs}; criterion {c.Criterion}, partition {c.Partition}, granularity {c.Granularity}, " +
                    (c.Inherit ? "members inherit the parent's weights." : "members re-initialised."));
        report.Heading("What this run shows");
        Verdicts(report, outcome with { Methods = methods });
        report.Heading("Results");
        string F(double v, string format) => MetricFormat.Format(v, format);
        report.Table(["method", "M", "accuracy", "NLL", "ECE", "Brier", "NLL (TS)", "ECE (TS)", "disagreement", "parameters", "train s"],
            methods.Select(m => (IReadOnlyList<string>)[
                m.Method, m.Members.ToString(CultureInfo.InvariantCulture), F(m.Report.Test.Accuracy, "P2"), F(m.Report.Test.Nll, "F4"), F(m.Report.Test.Ece, "F4"),
                F(m.Report.Test.Brier, "F4"), F(m.Report.Temperature?.Test.Nll ?? double.NaN, "F4"), F(m.Report.Temperature?.Test.Ece ?? double.NaN, "F4"),
                F(m.Report.Diversity.MeanDisagreement, "F4"), F(m.Parameters, "N0"), F(m.TrainingSeconds, "F1")]),
            "Test set. TS: after temperature scaling fitted on the validation split. Full values: metrics.json.");
        report.Chart(ExperimentCharts.Quality(methods), "quality");
        report.Heading("Calibration");
        report.Chart(ExperimentCharts.ReliabilityGrid(methods), "reliability");
        if (methods.Any(m => m.Report.Temperature is not null))
            report.Chart(ExperimentCharts.ReliabilityGrid(methods, afterTemperatureScaling: true), "reliability-ts");
        EvaluationSections.Selective(report, methods, F);
        EvaluationSections.OutOfDistribution(report, methods, F);
        report.Heading("Diversity");
        report.Chart(ExperimentCharts.MemberQualityVersusDiversity(methods), "member-accuracy-vs-diversity");
        if (methods.Any(m => m.Members > 1)) report.Chart(ExperimentCharts.DisagreementRow(methods), "disagreement");
        EvaluationSections.DiversityUnderShift(report, methods);
        var shifted = methods.Where(m => m.Shift is not null).Select(m => (m.Method, m.Shift!)).ToArray();
        if (shifted.Length > 0)
        {
            report.Heading("Dataset shift");
            report.Text($"Corrupted test images from {string.Join("; ", shifted.Select(s => s.Item2.Source).Distinct())}.");
            report.Chart(ExperimentCharts.Shift(shifted), "shift-accuracy");
        }
        report.Heading("Cost");
        report.Chart(ExperimentCharts.QualityVersusCost(methods), "cost-vs-nll");
        if (methods.Any(m => m.TrainingRuns.Any(r => r.History.Count > 0)))
        {
            report.Heading("Training");
            report.Chart(ExperimentCharts.TrainingHistory(methods), "training-curves");
        }
        report.Save(folder.ReportPath);
    }

    /// <summary>
    /// The claims of notebooks 01 and 04 to 07 that this run's methods speak to, each with its two numbers and a computed
    /// verdict: the paper's claim itself in view (<see cref="RunFindings.PaperClaim"/>), the others folded below it, so the
    /// results table stays on the first screen.
    /// </summary>
    static void Verdicts(ReportWriter report, ExperimentOutcome outcome)
    {
        var table = outcome.Table();
        var groups = new (string Notebook, Func<SubnetNotebooks.Metrics.MetricsTable, IReadOnlyList<Finding>> Find)[]
        {
            ("04", RunFindings.PaperClaim), ("04", RunFindings.Ensembles), ("01", RunFindings.McDropoutGap), ("05", RunFindings.Diversity),
            ("06", RunFindings.Cost), ("07", RunFindings.ShiftAndOod),
        };
        var findings = new List<Finding>();
        var headline = new HashSet<string>(); // the claims of RunFindings.PaperClaim
        var undefined = new List<string>();
        foreach (var (notebook, find) in groups)
        {
            try
            {
                var found = find(table);
                findings.AddRange(found);
                if (find == RunFindings.PaperClaim) headline.UnionWith(found.Select(f => f.Claim));
            }
            catch (ArgumentException e) { undefined.Add($"notebook {notebook}: {e.Message.Split(" (Parameter", 2)[0]}"); }
        }
        var distinct = findings.DistinctBy(f => f.Claim).ToArray();
        if (distinct.Length == 0)
            report.Text("This run trained none of the pairs of methods the paper's claims compare (e.g. subnet and mcdropout).");
        else
        {
            int holds = distinct.Count(f => f.Holds);
            report.Text($"**{holds} of {distinct.Length}** of the paper's claims that this run can test hold here. " +
                        "Each compares two numbers of this run; a small or short run (the smoke profile) says little about the paper.");
            var first = distinct.Where(f => headline.Contains(f.Claim)).ToArray();
            var rest = distinct.Where(f => !headline.Contains(f.Claim)).ToArray();
            if (first.Length == 0) report.Verdicts(Rows(rest));
            else
            {
                report.Verdicts(Rows(first), "The subnetwork ensemble against MC dropout, the deep ensemble and the single model");
                int restHolds = rest.Count(f => f.Holds);
                if (rest.Length > 0)
                    report.Details($"The other {rest.Length} claims (each ensemble against its members, MC dropout's gap, diversity, cost, " +
                                   $"shift and OOD): {restHolds} hold, {rest.Length - restHolds} {(rest.Length - restHolds == 1 ? "does" : "do")} not",
                        r => r.Verdicts(Rows(rest)));
            }
        }
        foreach (var line in undefined.Distinct()) report.Text($"Not judged ({line})");
    }

    static IEnumerable<(string, string, string, bool)> Rows(IEnumerable<Finding> findings) =>
        findings.Select(f => (f.Claim, f.Measured.ToString(f.Format, CultureInfo.InvariantCulture), f.Reference.ToString(f.Format, CultureInfo.InvariantCulture), f.Holds));
}
