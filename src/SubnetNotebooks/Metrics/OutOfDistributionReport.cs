namespace SubnetNotebooks.Metrics;

/// <summary>How well one uncertainty score separates OOD (positive) from in-distribution samples.</summary>
/// <param name="Score">one of <see cref="UncertaintyScores.Names"/> or <see cref="LogitScores.Names"/></param>
/// <param name="Auroc">area under the ROC curve (0.5 = chance)</param>
/// <param name="Aupr">average precision with OOD as positive</param>
/// <param name="FprAt95Tpr">fraction of in-distribution samples flagged when 95 % of OOD samples are</param>
public sealed record OutOfDistributionScore(string Score, double Auroc, double Aupr, double FprAt95Tpr);

/// <summary>
/// OOD detection by every uncertainty score (see <see cref="OutOfDistributionDetection"/> for the convention), and the
/// members' diversity on the OOD set.
/// </summary>
/// <param name="Scores">one entry per score: <see cref="UncertaintyScores.Names"/>, then <see cref="LogitScores.Names"/> when both sets carry logits</param>
/// <param name="Diversity">disagreement and KL of the members on the OOD set (null: not measured)</param>
/// <param name="EntropyRoc">the ROC curve of the predictive entropy, the score the findings compare (null: not measured)</param>
public sealed record OutOfDistributionReport(IReadOnlyList<OutOfDistributionScore> Scores, DiversitySummary? Diversity = null, RocCurve? EntropyRoc = null)
{
    /// <summary>Scores the in-distribution test set against the OOD set with every uncertainty score (the logit scores too when both carry logits).</summary>
    /// <param name="inDistribution">[members, n_in, classes] predictions on the test set</param>
    /// <param name="outOfDistribution">[members, n_ood, classes] predictions on the OOD set (its labels are ignored)</param>
    public static OutOfDistributionReport Measure(Predictions inDistribution, Predictions outOfDistribution)
    {
        if (inDistribution.Members != outOfDistribution.Members)
            throw new ArgumentException($"OOD predictions have {outOfDistribution.Members} members; the test predictions have {inDistribution.Members}. Predict both sets with the same ensemble.");
        var scores = UncertaintyScores.Names.Select(name => Separate(name, UncertaintyScores.ByName(name, inDistribution), UncertaintyScores.ByName(name, outOfDistribution)));
        if (inDistribution.HasLogits && outOfDistribution.HasLogits)
            scores = scores.Concat(LogitScores.Names.Select(name => Separate(name, LogitScores.ByName(name, inDistribution), LogitScores.ByName(name, outOfDistribution))));
        var roc = OutOfDistributionDetection.Roc(UncertaintyScores.ByName("entropy", inDistribution), UncertaintyScores.ByName("entropy", outOfDistribution));
        return new OutOfDistributionReport(scores.ToArray(), DiversitySummary.MeasureUnlabelled(outOfDistribution), roc);
    }

    static OutOfDistributionScore Separate(string name, double[] inDistribution, double[] outOfDistribution) =>
        new(name, OutOfDistributionDetection.Auroc(inDistribution, outOfDistribution), OutOfDistributionDetection.Aupr(inDistribution, outOfDistribution),
            OutOfDistributionDetection.FalsePositiveRateAt(inDistribution, outOfDistribution));

    /// <summary>Scalars under "ood.auroc.{score}", "ood.aupr.{score}", "ood.fpr95.{score}", and "ood.diversity.disagreement", "ood.diversity.kl".</summary>
    public void AddTo(IDictionary<string, double> into)
    {
        foreach (var s in Scores)
        {
            into[$"ood.auroc.{s.Score}"] = s.Auroc;
            into[$"ood.aupr.{s.Score}"] = s.Aupr;
            into[$"ood.fpr95.{s.Score}"] = s.FprAt95Tpr;
        }
        Diversity?.AddTo(into, "ood.");
    }
}
