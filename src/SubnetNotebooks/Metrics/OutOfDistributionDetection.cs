namespace SubnetNotebooks.Metrics;

/// <summary>
/// Separating an in-distribution test set from an out-of-distribution (OOD) set by a score.
/// Convention: OOD samples are the POSITIVE class and a higher score means "more likely OOD";
/// every threshold predicts OOD for scores ≥ it. Tied scores are handled exactly: AUROC uses
/// average ranks (a tie between a positive and a negative counts one half), and the
/// precision-recall and ROC curves step only at distinct score values.
/// </summary>
public static class OutOfDistributionDetection
{
    /// <summary>Area under the ROC curve: P(score_ood &gt; score_in) + ½·P(score_ood = score_in).</summary>
    /// <param name="inDistribution">[n_in] scores of in-distribution samples (negatives)</param>
    /// <param name="outOfDistribution">[n_ood] scores of OOD samples (positives)</param>
    public static double Auroc(ReadOnlySpan<double> inDistribution, ReadOnlySpan<double> outOfDistribution)
    {
        var (scores, positive) = Combine(inDistribution, outOfDistribution);
        int n = scores.Length;
        int[] order = Enumerable.Range(0, n).OrderBy(i => scores[i]).ToArray();
        double positiveRankSum = 0;
        for (int start = 0; start < n;)
        {
            int end = start;
            while (end < n && scores[order[end]] == scores[order[start]]) end++;
            double averageRank = (start + 1 + end) / 2.0; // ranks start+1 .. end
            for (int k = start; k < end; k++)
                if (positive[order[k]]) positiveRankSum += averageRank;
            start = end;
        }
        double p = outOfDistribution.Length, q = inDistribution.Length;
        return (positiveRankSum - p * (p + 1) / 2) / (p * q);
    }

    /// <summary>
    /// The ROC curve: (false-positive rate, true-positive rate) at every distinct threshold from high to low, starting at
    /// (0, 0) and ending at (1, 1); thinned to at most <paramref name="maxPoints"/> points (the ends kept) for drawing.
    /// </summary>
    /// <param name="inDistribution">[n_in] scores of in-distribution samples (negatives)</param>
    /// <param name="outOfDistribution">[n_ood] scores of OOD samples (positives)</param>
    /// <param name="maxPoints">the most points returned (at least 2)</param>
    public static RocCurve Roc(ReadOnlySpan<double> inDistribution, ReadOnlySpan<double> outOfDistribution, int maxPoints = 201)
    {
        var (scores, positive) = Combine(inDistribution, outOfDistribution);
        int n = scores.Length;
        int[] order = Enumerable.Range(0, n).OrderByDescending(i => scores[i]).ToArray();
        double p = outOfDistribution.Length, q = inDistribution.Length;
        var fpr = new List<double> { 0 };
        var tpr = new List<double> { 0 };
        int truePositives = 0, falsePositives = 0;
        for (int start = 0; start < n;)
        {
            int end = start;
            while (end < n && scores[order[end]] == scores[order[start]]) end++;
            for (int k = start; k < end; k++)
                if (positive[order[k]]) truePositives++; else falsePositives++;
            fpr.Add(q == 0 ? 0 : falsePositives / q);
            tpr.Add(p == 0 ? 0 : truePositives / p);
            start = end;
        }
        maxPoints = Math.Max(2, maxPoints);
        if (fpr.Count <= maxPoints) return new RocCurve(fpr.ToArray(), tpr.ToArray());
        var keep = Enumerable.Range(0, maxPoints).Select(k => (int)Math.Round(k * (fpr.Count - 1) / (double)(maxPoints - 1))).Distinct().ToArray();
        return new RocCurve(keep.Select(k => fpr[k]).ToArray(), keep.Select(k => tpr[k]).ToArray());
    }

    /// <summary>
    /// Area under the precision-recall curve as average precision, Σ_k (R_k − R_{k−1})·P_k over
    /// distinct thresholds from high to low (as scikit-learn's average_precision_score).
    /// </summary>
    /// <param name="inDistribution">[n_in] scores of in-distribution samples (negatives)</param>
    /// <param name="outOfDistribution">[n_ood] scores of OOD samples (positives)</param>
    public static double Aupr(ReadOnlySpan<double> inDistribution, ReadOnlySpan<double> outOfDistribution)
    {
        double area = 0, previousRecall = 0;
        foreach (var (tp, fp) in Sweep(inDistribution, outOfDistribution))
        {
            double recall = (double)tp / outOfDistribution.Length;
            area += (recall - previousRecall) * tp / (tp + fp);
            previousRecall = recall;
        }
        return area;
    }

    /// <summary>
    /// False-positive rate at the highest threshold whose true-positive rate (OOD recall) reaches
    /// <paramref name="truePositiveRate"/>: the fraction of in-distribution samples flagged as OOD.
    /// </summary>
    /// <param name="inDistribution">[n_in] scores of in-distribution samples (negatives)</param>
    /// <param name="outOfDistribution">[n_ood] scores of OOD samples (positives)</param>
    /// <param name="truePositiveRate">required recall of OOD samples, 0.95 by convention</param>
    public static double FalsePositiveRateAt(ReadOnlySpan<double> inDistribution, ReadOnlySpan<double> outOfDistribution, double truePositiveRate = 0.95)
    {
        foreach (var (tp, fp) in Sweep(inDistribution, outOfDistribution))
            if ((double)tp / outOfDistribution.Length >= truePositiveRate - 1e-12)
                return (double)fp / inDistribution.Length;
        return 1;
    }

    /// <summary>Cumulative (true positives, false positives) at each distinct threshold, high to low.</summary>
    static List<(int TruePositives, int FalsePositives)> Sweep(ReadOnlySpan<double> inDistribution, ReadOnlySpan<double> outOfDistribution)
    {
        var (scores, positive) = Combine(inDistribution, outOfDistribution);
        int n = scores.Length;
        int[] order = Enumerable.Range(0, n).OrderByDescending(i => scores[i]).ToArray();
        var points = new List<(int, int)>();
        int tp = 0, fp = 0;
        for (int start = 0; start < n;)
        {
            int end = start;
            while (end < n && scores[order[end]] == scores[order[start]])
            {
                if (positive[order[end]]) tp++; else fp++;
                end++;
            }
            points.Add((tp, fp));
            start = end;
        }
        return points;
    }

    static (double[] Scores, bool[] Positive) Combine(ReadOnlySpan<double> inDistribution, ReadOnlySpan<double> outOfDistribution)
    {
        if (inDistribution.Length == 0 || outOfDistribution.Length == 0)
            throw new ArgumentException($"OOD detection needs both sets non-empty; got {inDistribution.Length} in-distribution and {outOfDistribution.Length} OOD scores.");
        var scores = new double[inDistribution.Length + outOfDistribution.Length];
        var positive = new bool[scores.Length];
        inDistribution.CopyTo(scores);
        outOfDistribution.CopyTo(scores.AsSpan(inDistribution.Length));
        for (int i = inDistribution.Length; i < scores.Length; i++) positive[i] = true;
        foreach (double s in scores)
            if (double.IsNaN(s)) throw new ArgumentException("An OOD score is NaN; scores must be numbers. Check the predictions that produced them.");
        return (scores, positive);
    }
}

/// <summary>A ROC curve as points from (0, 0) to (1, 1).</summary>
/// <param name="FalsePositiveRate">[points] fraction of in-distribution samples flagged, rising</param>
/// <param name="TruePositiveRate">[points] fraction of OOD samples flagged, rising</param>
public sealed record RocCurve(IReadOnlyList<double> FalsePositiveRate, IReadOnlyList<double> TruePositiveRate);
