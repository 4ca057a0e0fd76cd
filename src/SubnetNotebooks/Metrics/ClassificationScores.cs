namespace SubnetNotebooks.Metrics;

/// <summary>
/// Accuracy, negative log-likelihood and Brier score of one probability table
/// (an ensemble's mean or a single member's), accumulated in double.
/// The predicted class is the arg-max; ties go to the lowest class index.
/// </summary>
public static class ClassificationScores
{
    /// <summary>Probabilities below this are raised to it before the log, so NLL stays finite.</summary>
    public const double LogFloor = 1e-12;

    /// <summary>Fraction of samples whose arg-max class is the label.</summary>
    /// <param name="probs">[samples * classes] probabilities, row-major</param>
    /// <param name="labels">[samples] true classes</param>
    public static double Accuracy(ReadOnlySpan<double> probs, ReadOnlySpan<int> labels)
    {
        int classes = ClassesOf(probs, labels);
        int correct = 0;
        for (int n = 0; n < labels.Length; n++)
            if (ArgMax(probs.Slice(n * classes, classes)) == labels[n]) correct++;
        return (double)correct / labels.Length;
    }

    /// <summary>Mean over samples of −log max(p[label], <see cref="LogFloor"/>).</summary>
    /// <param name="probs">[samples * classes] probabilities, row-major</param>
    /// <param name="labels">[samples] true classes</param>
    public static double NegativeLogLikelihood(ReadOnlySpan<double> probs, ReadOnlySpan<int> labels)
    {
        int classes = ClassesOf(probs, labels);
        double sum = 0;
        for (int n = 0; n < labels.Length; n++)
            sum -= Math.Log(Math.Max(probs[n * classes + labels[n]], LogFloor));
        return sum / labels.Length;
    }

    /// <summary>Mean over samples of Σ_c (p_c − 1[c = label])², so it lies in [0, 2].</summary>
    /// <param name="probs">[samples * classes] probabilities, row-major</param>
    /// <param name="labels">[samples] true classes</param>
    public static double BrierScore(ReadOnlySpan<double> probs, ReadOnlySpan<int> labels)
    {
        int classes = ClassesOf(probs, labels);
        double sum = 0;
        for (int n = 0; n < labels.Length; n++)
            for (int c = 0; c < classes; c++)
            {
                double d = probs[n * classes + c] - (c == labels[n] ? 1 : 0);
                sum += d * d;
            }
        return sum / labels.Length;
    }

    /// <summary>Index of the largest value; the first one on ties.</summary>
    public static int ArgMax(ReadOnlySpan<double> row)
    {
        int best = 0;
        for (int c = 1; c < row.Length; c++)
            if (row[c] > row[best]) best = c;
        return best;
    }

    /// <summary>Index of the largest value; the first one on ties.</summary>
    public static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int c = 1; c < row.Length; c++)
            if (row[c] > row[best]) best = c;
        return best;
    }

    internal static int ClassesOf(ReadOnlySpan<double> probs, ReadOnlySpan<int> labels)
    {
        if (labels.Length == 0)
            throw new ArgumentException("No samples: metrics need at least one labelled sample.");
        if (probs.Length % labels.Length != 0 || probs.Length / labels.Length < 2)
            throw new ArgumentException($"{probs.Length} probabilities for {labels.Length} labels; expected samples*classes values with at least 2 classes.");
        return probs.Length / labels.Length;
    }
}
