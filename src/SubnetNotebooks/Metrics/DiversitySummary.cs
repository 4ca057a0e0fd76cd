namespace SubnetNotebooks.Metrics;

/// <summary>
/// The members' diversity and the ensemble's gain over its mean member on one set of inputs (the means of
/// <see cref="DiversityReport"/> and the gains of <see cref="MemberReport"/>), to compare clean, shifted and OOD inputs.
/// On an unlabelled set (OOD images, whose labels are not classes of the task) only what needs no label is measured:
/// error correlation and the gains are null there.
/// </summary>
/// <param name="Disagreement">mean pairwise disagreement (fraction of samples two members predict differently)</param>
/// <param name="Kl">mean pairwise KL divergence in nats</param>
/// <param name="ErrorCorrelation">mean pairwise correlation of the members' errors (null: unlabelled)</param>
/// <param name="AccuracyGain">ensemble accuracy − mean member accuracy (null: unlabelled)</param>
/// <param name="NllGain">mean member NLL − ensemble NLL (null: unlabelled)</param>
public sealed record DiversitySummary(double Disagreement, double Kl, double? ErrorCorrelation, double? AccuracyGain, double? NllGain)
{
    /// <summary>Measures labelled predictions: every field.</summary>
    /// <param name="predictions">[members, samples, classes] probabilities with true labels</param>
    public static DiversitySummary Measure(Predictions predictions)
    {
        var diversity = DiversityReport.Measure(predictions);
        var member = MemberReport.Measure(predictions);
        return new DiversitySummary(diversity.MeanDisagreement, diversity.MeanKl, diversity.MeanErrorCorrelation,
            member.EnsembleAccuracyGain, member.EnsembleNllGain);
    }

    /// <summary>Measures unlabelled predictions (an OOD set): disagreement and KL only.</summary>
    /// <param name="predictions">[members, samples, classes] probabilities; labels are ignored</param>
    public static DiversitySummary MeasureUnlabelled(Predictions predictions)
    {
        var diversity = DiversityReport.Measure(predictions);
        return new DiversitySummary(diversity.MeanDisagreement, diversity.MeanKl, null, null, null);
    }

    /// <summary>The mean of each field over <paramref name="summaries"/>, skipping NaN and null (a field none has is null).</summary>
    public static DiversitySummary Mean(IReadOnlyCollection<DiversitySummary> summaries)
    {
        if (summaries.Count == 0) throw new ArgumentException("No diversity summary to average; pass at least one.", nameof(summaries));
        static double? Of(IEnumerable<double?> values)
        {
            var finite = values.Where(v => v is { } x && double.IsFinite(x)).Select(v => v!.Value).ToArray();
            return finite.Length == 0 ? null : finite.Average();
        }
        return new DiversitySummary(Of(summaries.Select(s => (double?)s.Disagreement)) ?? double.NaN, Of(summaries.Select(s => (double?)s.Kl)) ?? double.NaN,
            Of(summaries.Select(s => s.ErrorCorrelation)), Of(summaries.Select(s => s.AccuracyGain)), Of(summaries.Select(s => s.NllGain)));
    }

    /// <summary>Scalars under "{prefix}diversity.disagreement", "{prefix}diversity.kl", and where measured
    /// "{prefix}diversity.error_correlation", "{prefix}ensemble.accuracy_gain", "{prefix}ensemble.nll_gain".</summary>
    public void AddTo(IDictionary<string, double> into, string prefix)
    {
        into[prefix + "diversity.disagreement"] = Disagreement;
        into[prefix + "diversity.kl"] = Kl;
        if (ErrorCorrelation is { } correlation) into[prefix + "diversity.error_correlation"] = correlation;
        if (AccuracyGain is { } accuracy) into[prefix + "ensemble.accuracy_gain"] = accuracy;
        if (NllGain is { } nll) into[prefix + "ensemble.nll_gain"] = nll;
    }
}
