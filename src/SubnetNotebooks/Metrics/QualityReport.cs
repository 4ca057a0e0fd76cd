namespace SubnetNotebooks.Metrics;

/// <summary>Accuracy, proper scores and calibration errors of one probability table.</summary>
/// <param name="Accuracy">fraction correct</param>
/// <param name="Nll">negative log-likelihood (nats per sample)</param>
/// <param name="Brier">Brier score summed over classes, averaged over samples</param>
/// <param name="Ece">expected calibration error, equal-width bins</param>
/// <param name="Mce">maximum calibration error</param>
/// <param name="Ace">adaptive (equal-mass) calibration error</param>
/// <param name="ClasswiseEce">classwise calibration error</param>
/// <param name="Reliability">[bins] the reliability diagram</param>
/// <param name="Selective">selective classification: risk-coverage curve, AURC, AUGRC (samples ranked by the maximum probability)</param>
public sealed record QualityReport(double Accuracy, double Nll, double Brier, double Ece, double Mce, double Ace,
    double ClasswiseEce, IReadOnlyList<ReliabilityBin> Reliability, SelectiveClassificationReport Selective)
{
    /// <summary>Measures a probability table.</summary>
    /// <param name="probs">[samples * classes] probabilities, row-major</param>
    /// <param name="labels">[samples] true classes</param>
    /// <param name="bins">number of confidence bins</param>
    public static QualityReport Measure(ReadOnlySpan<double> probs, ReadOnlySpan<int> labels, int bins = CalibrationError.DefaultBins) =>
        new(ClassificationScores.Accuracy(probs, labels),
            ClassificationScores.NegativeLogLikelihood(probs, labels),
            ClassificationScores.BrierScore(probs, labels),
            CalibrationError.Expected(probs, labels, bins),
            CalibrationError.Maximum(probs, labels, bins),
            CalibrationError.Adaptive(probs, labels, bins),
            CalibrationError.Classwise(probs, labels, bins),
            CalibrationError.ReliabilityDiagram(probs, labels, bins),
            SelectiveClassificationReport.Measure(probs, labels));

    /// <summary>Measures the ensemble prediction (mean of member probabilities).</summary>
    public static QualityReport Measure(Predictions predictions, int bins = CalibrationError.DefaultBins) =>
        Measure(predictions.EnsembleProbabilities(), predictions.Labels, bins);

    /// <summary>The scalar metrics under stable keys ("accuracy", "nll", "brier", "ece", "mce", "ace", "classwise_ece", "aurc", "augrc",
    /// "risk_at_80_coverage", "coverage_at_5_risk"), each prefixed.</summary>
    public void AddTo(IDictionary<string, double> into, string prefix = "")
    {
        into[prefix + "accuracy"] = Accuracy;
        into[prefix + "nll"] = Nll;
        into[prefix + "brier"] = Brier;
        into[prefix + "ece"] = Ece;
        into[prefix + "mce"] = Mce;
        into[prefix + "ace"] = Ace;
        into[prefix + "classwise_ece"] = ClasswiseEce;
        Selective.AddTo(into, prefix);
    }
}
