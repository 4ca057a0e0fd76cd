namespace SubnetNotebooks.Metrics;

/// <summary>One point of a risk-coverage curve.</summary>
/// <param name="Coverage">fraction of samples accepted</param>
/// <param name="Risk">error rate among the accepted samples</param>
public sealed record RiskCoveragePoint(double Coverage, double Risk);

/// <summary>
/// Selective classification of one probability table, samples ranked by the maximum probability (see
/// <see cref="SelectiveClassification"/> for the definitions and how ties are handled).
/// </summary>
/// <param name="Aurc">area under the risk-coverage curve (lower is better)</param>
/// <param name="Augrc">area under the generalized-risk-coverage curve (lower is better)</param>
/// <param name="RiskAt80Coverage">error rate of the 80 % most confident samples</param>
/// <param name="CoverageAt5Risk">largest fraction of samples that can be accepted at an error rate of at most 5 % (0: none)</param>
/// <param name="Curve">[<see cref="CurvePoints"/>] selective risk at coverage 0.01, 0.02, ..., 1</param>
public sealed record SelectiveClassificationReport(double Aurc, double Augrc, double RiskAt80Coverage, double CoverageAt5Risk,
    IReadOnlyList<RiskCoveragePoint> Curve)
{
    /// <summary>Points of the stored curve (a coverage grid of 1 %).</summary>
    public const int CurvePoints = 100;

    /// <summary>Measures a probability table: confidence is the row's maximum, a prediction is wrong when its argmax is not the label.</summary>
    /// <param name="probs">[samples * classes] probabilities, row-major</param>
    /// <param name="labels">[samples] true classes</param>
    public static SelectiveClassificationReport Measure(ReadOnlySpan<double> probs, ReadOnlySpan<int> labels)
    {
        int n = labels.Length;
        if (n == 0 || probs.Length % n != 0)
            throw new ArgumentException($"Selective classification: {probs.Length} probabilities for {n} labels; pass [samples * classes] probabilities and one label per sample.");
        int classes = probs.Length / n;
        var confidence = new double[n];
        var wrong = new bool[n];
        for (int i = 0; i < n; i++)
        {
            var row = probs.Slice(i * classes, classes);
            int predicted = ClassificationScores.ArgMax(row);
            confidence[i] = row[predicted];
            wrong[i] = predicted != labels[i];
        }
        double[] accepted = SelectiveClassification.AcceptedErrors(confidence, wrong);
        var curve = Enumerable.Range(1, CurvePoints).Select(j =>
        {
            double coverage = (double)j / CurvePoints;
            return new RiskCoveragePoint(coverage, SelectiveClassification.RiskAtCoverage(accepted, coverage));
        }).ToArray();
        return new SelectiveClassificationReport(SelectiveClassification.Aurc(accepted), SelectiveClassification.Augrc(accepted),
            SelectiveClassification.RiskAtCoverage(accepted, 0.8), SelectiveClassification.CoverageAtRisk(accepted, 0.05), curve);
    }

    /// <summary>Scalars under "aurc", "augrc", "risk_at_80_coverage", "coverage_at_5_risk", each prefixed.</summary>
    public void AddTo(IDictionary<string, double> into, string prefix = "")
    {
        into[prefix + "aurc"] = Aurc;
        into[prefix + "augrc"] = Augrc;
        into[prefix + "risk_at_80_coverage"] = RiskAt80Coverage;
        into[prefix + "coverage_at_5_risk"] = CoverageAt5Risk;
    }
}
