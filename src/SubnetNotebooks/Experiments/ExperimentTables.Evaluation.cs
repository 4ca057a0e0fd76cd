using SubnetNotebooks.Metrics;

namespace SubnetNotebooks.Experiments;

/// <summary>Selective classification of one method, before and after temperature scaling (TS columns NaN without a validation split).</summary>
public sealed record SelectiveRow(string Method, int Members, double Aurc, double Augrc, double RiskAt80Coverage, double CoverageAt5Risk,
    double TsAurc, double TsAugrc, double TsRiskAt80Coverage, double TsCoverageAt5Risk);

/// <summary>The members' diversity and the ensemble's gain over its mean member on one set of inputs.</summary>
/// <param name="Method">the method</param>
/// <param name="Condition">"test", "clean" (the shift evaluation's images uncorrupted), "severity S" (mean over corruptions) or "OOD"</param>
/// <param name="Disagreement">mean pairwise disagreement of the members' predicted classes</param>
/// <param name="Kl">mean pairwise KL divergence of the members' probabilities</param>
/// <param name="ErrorCorrelation">mean pairwise correlation of the members' errors (NaN without labels, on OOD inputs)</param>
/// <param name="AccuracyGain">the ensemble's accuracy over its mean member's (NaN without labels)</param>
/// <param name="NllGain">the mean member's NLL over the ensemble's (NaN without labels)</param>
public sealed record DiversityRow(string Method, string Condition, double Disagreement, double Kl, double ErrorCorrelation, double AccuracyGain, double NllGain);

public static partial class ExperimentTables
{
    /// <summary>One <see cref="SelectiveRow"/> per method.</summary>
    public static IReadOnlyList<SelectiveRow> Selective(IEnumerable<MethodOutcome> methods) => methods.Select(m =>
    {
        var s = m.Report.Test.Selective;
        var ts = m.Report.Temperature?.Test.Selective;
        return new SelectiveRow(m.Method, m.Members, s.Aurc, s.Augrc, s.RiskAt80Coverage, s.CoverageAt5Risk, ts?.Aurc ?? double.NaN,
            ts?.Augrc ?? double.NaN, ts?.RiskAt80Coverage ?? double.NaN, ts?.CoverageAt5Risk ?? double.NaN);
    }).ToArray();

    /// <summary>
    /// Per method: diversity on the test set, on the shift evaluation's clean images and at each corruption severity (mean
    /// over corruptions) when shift was measured, and on the OOD set (disagreement and KL only: its labels are not classes
    /// of the task) when one was given.
    /// </summary>
    public static IReadOnlyList<DiversityRow> DiversityUnderShift(IEnumerable<MethodOutcome> methods) => methods.SelectMany(m =>
    {
        var rows = new List<DiversityRow>();
        var r = m.Report;
        rows.Add(new DiversityRow(m.Method, "test", r.Diversity.MeanDisagreement, r.Diversity.MeanKl, r.Diversity.MeanErrorCorrelation,
            r.Member.EnsembleAccuracyGain, r.Member.EnsembleNllGain));
        void Add(string condition, DiversitySummary? d)
        {
            if (d is not null)
                rows.Add(new DiversityRow(m.Method, condition, d.Disagreement, d.Kl, d.ErrorCorrelation ?? double.NaN, d.AccuracyGain ?? double.NaN, d.NllGain ?? double.NaN));
        }
        if (m.Shift is { } shift)
        {
            Add("clean", shift.CleanDiversity);
            foreach (int severity in shift.Entries.Select(e => e.Severity).Distinct().Order()) Add($"severity {severity}", shift.MeanDiversity(severity));
        }
        Add("OOD", r.OutOfDistribution?.Diversity);
        return rows;
    }).ToArray();
}
