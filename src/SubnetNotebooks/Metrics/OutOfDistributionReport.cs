namespace SubnetNotebooks.Metrics;

/// <summary>How well one uncertainty score separates OOD (positive) from in-distribution samples.</summary>
/// <param name="Score">one of <see cref="UncertaintyScores.Names"/></param>
/// <param name="Auroc">area under the ROC curve (0.5 = chance)</param>
/// <param name="Aupr">average precision with OOD as positive</param>
/// <param name="FprAt95Tpr">fraction of in-distribution samples flagged when 95 % of OOD samples are</param>
public sealed record OutOfDistributionScore(string Score, double Auroc, double Aupr, double FprAt95Tpr);

/// <summary>OOD detection by every uncertainty score (see <see cref="OutOfDistributionDetection"/> for the convention).</summary>
/// <param name="Scores">one entry per score in <see cref="UncertaintyScores.Names"/> order</param>
public sealed record OutOfDistributionReport(IReadOnlyList<OutOfDistributionScore> Scores)
{
    /// <summary>Scores the in-distribution test set against the OOD set with every uncertainty score.</summary>
    /// <param name="inDistribution">[members, n_in, classes] predictions on the test set</param>
    /// <param name="outOfDistribution">[members, n_ood, classes] predictions on the OOD set (its labels are ignored)</param>
    public static OutOfDistributionReport Measure(Predictions inDistribution, Predictions outOfDistribution)
    {
        if (inDistribution.Members != outOfDistribution.Members)
            throw new ArgumentException($"OOD predictions have {outOfDistribution.Members} members; the test predictions have {inDistribution.Members}. Predict both sets with the same ensemble.");
        return new OutOfDistributionReport(UncertaintyScores.Names.Select(name =>
        {
            double[] a = UncertaintyScores.ByName(name, inDistribution), b = UncertaintyScores.ByName(name, outOfDistribution);
            return new OutOfDistributionScore(name, OutOfDistributionDetection.Auroc(a, b), OutOfDistributionDetection.Aupr(a, b),
                OutOfDistributionDetection.FalsePositiveRateAt(a, b));
        }).ToArray());
    }

    /// <summary>Scalars under "ood.auroc.{score}", "ood.aupr.{score}", "ood.fpr95.{score}".</summary>
    public void AddTo(IDictionary<string, double> into)
    {
        foreach (var s in Scores)
        {
            into[$"ood.auroc.{s.Score}"] = s.Auroc;
            into[$"ood.aupr.{s.Score}"] = s.Aupr;
            into[$"ood.fpr95.{s.Score}"] = s.FprAt95Tpr;
        }
    }
}
