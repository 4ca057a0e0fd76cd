namespace SubnetNotebooks.Metrics;

/// <summary>How each member does alone, and what averaging them gains.</summary>
/// <param name="Accuracy">[members] each member's accuracy</param>
/// <param name="Nll">[members] each member's NLL</param>
/// <param name="MeanAccuracy">mean member accuracy</param>
/// <param name="MeanNll">mean member NLL</param>
/// <param name="EnsembleAccuracyGain">ensemble accuracy − mean member accuracy (positive: the ensemble is better)</param>
/// <param name="EnsembleNllGain">mean member NLL − ensemble NLL (positive: the ensemble is better)</param>
public sealed record MemberReport(IReadOnlyList<double> Accuracy, IReadOnlyList<double> Nll, double MeanAccuracy, double MeanNll,
    double EnsembleAccuracyGain, double EnsembleNllGain)
{
    /// <summary>Measures every member of <paramref name="predictions"/> and the ensemble's gain over them.</summary>
    /// <param name="predictions">[members, samples, classes] probabilities</param>
    public static MemberReport Measure(Predictions predictions)
    {
        var accuracy = new double[predictions.Members];
        var nll = new double[predictions.Members];
        for (int m = 0; m < predictions.Members; m++)
        {
            double[] probs = predictions.MemberProbabilities(m);
            accuracy[m] = ClassificationScores.Accuracy(probs, predictions.Labels);
            nll[m] = ClassificationScores.NegativeLogLikelihood(probs, predictions.Labels);
        }
        double[] ensemble = predictions.EnsembleProbabilities();
        double meanAccuracy = accuracy.Average(), meanNll = nll.Average();
        return new MemberReport(accuracy, nll, meanAccuracy, meanNll,
            ClassificationScores.Accuracy(ensemble, predictions.Labels) - meanAccuracy,
            meanNll - ClassificationScores.NegativeLogLikelihood(ensemble, predictions.Labels));
    }

    /// <summary>Scalars under "member.mean_accuracy", "member.mean_nll", "member.{m}.accuracy", "member.{m}.nll", "ensemble.accuracy_gain", "ensemble.nll_gain".</summary>
    public void AddTo(IDictionary<string, double> into)
    {
        into["member.mean_accuracy"] = MeanAccuracy;
        into["member.mean_nll"] = MeanNll;
        into["ensemble.accuracy_gain"] = EnsembleAccuracyGain;
        into["ensemble.nll_gain"] = EnsembleNllGain;
        for (int m = 0; m < Accuracy.Count; m++)
        {
            into[$"member.{m}.accuracy"] = Accuracy[m];
            into[$"member.{m}.nll"] = Nll[m];
        }
    }
}
