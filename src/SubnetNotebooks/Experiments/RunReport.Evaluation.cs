using SubnetNotebooks.Plots;

namespace SubnetNotebooks.Experiments;

/// <summary>The report.html sections on selective classification, OOD detection by every score, and diversity under shift.</summary>
static class EvaluationSections
{
    /// <summary>AURC, AUGRC, risk at 80 % coverage and coverage at 5 % risk before and after TS, and every method's risk-coverage curve.</summary>
    public static void Selective(ReportWriter report, IReadOnlyList<MethodOutcome> methods, Func<double, string, string> f)
    {
        report.Heading("Selective classification");
        report.Table(["method", "AURC", "AUGRC", "risk @ 80 % cov.", "cov. @ 5 % risk", "AURC (TS)", "AUGRC (TS)", "risk @ 80 % (TS)", "cov. @ 5 % (TS)"],
            ExperimentTables.Selective(methods).Select(r => (IReadOnlyList<string>)[r.Method, f(r.Aurc, "F4"), f(r.Augrc, "F4"),
                f(r.RiskAt80Coverage, "F4"), f(r.CoverageAt5Risk, "F3"), f(r.TsAurc, "F4"), f(r.TsAugrc, "F4"), f(r.TsRiskAt80Coverage, "F4"),
                f(r.TsCoverageAt5Risk, "F3")]),
            "Samples ranked by the ensemble's maximum probability. AURC: mean error rate of the accepted over coverage; AUGRC: mean " +
            "fraction of samples accepted and wrong over coverage (Traub et al. 2024); lower is better. Tied confidences count as " +
            "the mean over their orders. TS: after temperature scaling fitted on the validation split.");
        report.Chart(ExperimentCharts.RiskCoverage(methods), "risk-coverage");
    }

    /// <summary>AUROC, AUPR and FPR at 95 % TPR of every OOD score (probability- and logit-based), when an OOD set was given.</summary>
    public static void OutOfDistribution(ReportWriter report, IReadOnlyList<MethodOutcome> methods, Func<double, string, string> f)
    {
        var rows = ExperimentTables.OutOfDistribution(methods);
        if (rows.Count == 0) return;
        report.Heading("Out-of-distribution detection");
        report.Table(["method", "score", "AUROC", "AUPR", "FPR95"],
            rows.Select(r => (IReadOnlyList<string>)[r.Method, r.Score, f(r.Auroc, "F4"), f(r.Aupr, "F4"), f(r.FprAt95Tpr, "F4")]),
            "OOD samples are positive; every score is oriented so that higher means more likely OOD: 1 − max probability, entropy, " +
            "mutual information, −max logit and energy −log Σ exp(logit), the logits averaged over members.");
        if (methods.Any(m => m.Report.OutOfDistribution?.EntropyRoc is not null)) report.Chart(ExperimentCharts.OodRoc(methods), "ood-roc");
        report.Chart(ExperimentCharts.OodAuroc(methods), "ood-auroc");
    }

    /// <summary>Diversity and the ensemble's gain on clean against corrupted images, and on the test set against the OOD set.</summary>
    public static void DiversityUnderShift(ReportWriter report, IReadOnlyList<MethodOutcome> methods)
    {
        if (methods.Any(m => m.Shift?.CleanDiversity is not null)) report.Chart(ExperimentCharts.DiversityUnderShift(methods), "diversity-under-shift");
        if (methods.Any(m => m.Report.OutOfDistribution?.Diversity is not null)) report.Chart(ExperimentCharts.DiversityOnOod(methods), "diversity-on-ood");
    }
}
