namespace SubnetNotebooks.Metrics;

/// <summary>
/// Calibration errors of a probability table. Confidence is the largest probability of a row, the
/// prediction its arg-max. Equal-width bins split [0, 1] into intervals (k/B, (k+1)/B]; a
/// confidence of exactly 0 goes to the first bin. All errors are L1 gaps |accuracy − confidence|.
/// </summary>
public static class CalibrationError
{
    /// <summary>Number of bins used throughout the paper's tables (Guo et al., 2017).</summary>
    public const int DefaultBins = 15;

    /// <summary>Reliability diagram: per equal-width bin, mean confidence, accuracy and count.</summary>
    /// <param name="probs">[samples * classes] probabilities, row-major</param>
    /// <param name="labels">[samples] true classes</param>
    /// <param name="bins">number of confidence bins</param>
    /// <returns>[bins] bins from low to high confidence, empty ones included</returns>
    public static ReliabilityBin[] ReliabilityDiagram(ReadOnlySpan<double> probs, ReadOnlySpan<int> labels, int bins = DefaultBins)
    {
        var (confidence, correct) = ConfidenceAndCorrectness(probs, labels);
        return EqualWidthBins(confidence, correct, bins);
    }

    /// <summary>Expected calibration error: Σ_b (|b|/N)·|acc(b) − conf(b)| over equal-width bins.</summary>
    /// <param name="probs">[samples * classes] probabilities, row-major</param>
    /// <param name="labels">[samples] true classes</param>
    /// <param name="bins">number of confidence bins</param>
    public static double Expected(ReadOnlySpan<double> probs, ReadOnlySpan<int> labels, int bins = DefaultBins) =>
        Weighted(ReliabilityDiagram(probs, labels, bins), labels.Length);

    /// <summary>Maximum calibration error: the largest gap over non-empty equal-width bins.</summary>
    /// <param name="probs">[samples * classes] probabilities, row-major</param>
    /// <param name="labels">[samples] true classes</param>
    /// <param name="bins">number of confidence bins</param>
    public static double Maximum(ReadOnlySpan<double> probs, ReadOnlySpan<int> labels, int bins = DefaultBins) =>
        ReliabilityDiagram(probs, labels, bins).Where(b => b.Count > 0).Max(b => b.Gap);

    /// <summary>
    /// Adaptive (equal-mass) calibration error: samples sorted by confidence (stable, so ties keep
    /// sample order) are cut into <paramref name="bins"/> groups, group b holding sorted positions
    /// [⌊bN/B⌋, ⌊(b+1)N/B⌋); then Σ_b (|b|/N)·|acc(b) − conf(b)|. Empty groups (N &lt; B) are skipped.
    /// </summary>
    /// <param name="probs">[samples * classes] probabilities, row-major</param>
    /// <param name="labels">[samples] true classes</param>
    /// <param name="bins">number of confidence bins</param>
    public static double Adaptive(ReadOnlySpan<double> probs, ReadOnlySpan<int> labels, int bins = DefaultBins)
    {
        CheckBins(bins);
        var (confidence, correct) = ConfidenceAndCorrectness(probs, labels);
        int n = confidence.Length;
        int[] order = Enumerable.Range(0, n).OrderBy(i => confidence[i]).ToArray();
        double error = 0;
        for (int b = 0; b < bins; b++)
        {
            int start = (int)((long)b * n / bins), end = (int)((long)(b + 1) * n / bins);
            if (end == start) continue;
            double conf = 0, acc = 0;
            for (int k = start; k < end; k++) { conf += confidence[order[k]]; acc += correct[order[k]] ? 1 : 0; }
            error += Math.Abs(acc - conf) / n;
        }
        return error;
    }

    /// <summary>
    /// Classwise calibration error (Kull et al., 2019): for each class k, an equal-width-bin ECE of
    /// p_k against the indicator 1[label = k] over all samples; averaged over classes.
    /// </summary>
    /// <param name="probs">[samples * classes] probabilities, row-major</param>
    /// <param name="labels">[samples] true classes</param>
    /// <param name="bins">number of confidence bins</param>
    public static double Classwise(ReadOnlySpan<double> probs, ReadOnlySpan<int> labels, int bins = DefaultBins)
    {
        int classes = ClassificationScores.ClassesOf(probs, labels);
        int n = labels.Length;
        var score = new double[n];
        var hit = new bool[n];
        double total = 0;
        for (int k = 0; k < classes; k++)
        {
            for (int i = 0; i < n; i++) { score[i] = probs[i * classes + k]; hit[i] = labels[i] == k; }
            total += Weighted(EqualWidthBins(score, hit, bins), n);
        }
        return total / classes;
    }

    static double Weighted(ReliabilityBin[] bins, int samples) =>
        bins.Sum(b => b.Count * b.Gap) / samples;

    static (double[] Confidence, bool[] Correct) ConfidenceAndCorrectness(ReadOnlySpan<double> probs, ReadOnlySpan<int> labels)
    {
        int classes = ClassificationScores.ClassesOf(probs, labels);
        var confidence = new double[labels.Length];
        var correct = new bool[labels.Length];
        for (int n = 0; n < labels.Length; n++)
        {
            var row = probs.Slice(n * classes, classes);
            int predicted = ClassificationScores.ArgMax(row);
            confidence[n] = row[predicted];
            correct[n] = predicted == labels[n];
        }
        return (confidence, correct);
    }

    /// <summary>Index of the bin (k/B, (k+1)/B] holding <paramref name="value"/>; 0 for value 0.</summary>
    internal static int BinOf(double value, int bins) =>
        Math.Clamp((int)Math.Ceiling(value * bins) - 1, 0, bins - 1);

    static ReliabilityBin[] EqualWidthBins(double[] score, bool[] hit, int bins)
    {
        CheckBins(bins);
        var sumScore = new double[bins];
        var sumHit = new double[bins];
        var count = new int[bins];
        for (int i = 0; i < score.Length; i++)
        {
            int b = BinOf(score[i], bins);
            sumScore[b] += score[i];
            sumHit[b] += hit[i] ? 1 : 0;
            count[b]++;
        }
        var result = new ReliabilityBin[bins];
        for (int b = 0; b < bins; b++)
            result[b] = new ReliabilityBin((double)b / bins, (double)(b + 1) / bins,
                count[b] == 0 ? 0 : sumScore[b] / count[b], count[b] == 0 ? 0 : sumHit[b] / count[b], count[b]);
        return result;
    }

    static void CheckBins(int bins)
    {
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins), $"{bins} bins; expected at least 1.");
    }
}
