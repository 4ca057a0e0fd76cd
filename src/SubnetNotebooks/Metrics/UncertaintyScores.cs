namespace SubnetNotebooks.Metrics;

/// <summary>
/// Per-sample uncertainty of an ensemble, each oriented so that a higher score means "more
/// uncertain" (more likely out-of-distribution). Entropies are in nats.
/// </summary>
public static class UncertaintyScores
{
    /// <summary>Score names as used in report keys, in a fixed order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["max_probability", "entropy", "mutual_information"];

    /// <summary>1 − max_c p̄_c of the ensemble mean p̄ (so that higher means more uncertain).</summary>
    /// <returns>[samples]</returns>
    public static double[] MaxProbability(Predictions predictions)
    {
        double[] mean = predictions.EnsembleProbabilities();
        int classes = predictions.Classes;
        var score = new double[predictions.Samples];
        for (int n = 0; n < score.Length; n++)
        {
            var row = mean.AsSpan(n * classes, classes);
            score[n] = 1 - row[ClassificationScores.ArgMax(row)];
        }
        return score;
    }

    /// <summary>Predictive (total) entropy H[p̄] = −Σ_c p̄_c ln p̄_c of the ensemble mean.</summary>
    /// <returns>[samples]</returns>
    public static double[] Entropy(Predictions predictions)
    {
        double[] mean = predictions.EnsembleProbabilities();
        int classes = predictions.Classes;
        var score = new double[predictions.Samples];
        for (int n = 0; n < score.Length; n++) score[n] = RowEntropy(mean.AsSpan(n * classes, classes));
        return score;
    }

    /// <summary>
    /// Mutual information between prediction and member (epistemic part):
    /// H[p̄] − (1/M) Σ_m H[p_m]. Zero for a single member; clamped at 0 against rounding.
    /// </summary>
    /// <returns>[samples]</returns>
    public static double[] MutualInformation(Predictions predictions)
    {
        double[] total = Entropy(predictions);
        var row = new double[predictions.Classes];
        for (int n = 0; n < total.Length; n++)
        {
            double expected = 0;
            for (int m = 0; m < predictions.Members; m++)
            {
                var p = predictions.Row(m, n);
                for (int c = 0; c < row.Length; c++) row[c] = p[c];
                expected += RowEntropy(row);
            }
            total[n] = Math.Max(total[n] - expected / predictions.Members, 0);
        }
        return total;
    }

    /// <summary>The score called <paramref name="name"/> (one of <see cref="Names"/>).</summary>
    /// <returns>[samples]</returns>
    public static double[] ByName(string name, Predictions predictions) => name switch
    {
        "max_probability" => MaxProbability(predictions),
        "entropy" => Entropy(predictions),
        "mutual_information" => MutualInformation(predictions),
        _ => throw new ArgumentException($"Unknown uncertainty score '{name}'; expected one of {string.Join(", ", Names)}."),
    };

    static double RowEntropy(ReadOnlySpan<double> row)
    {
        double h = 0;
        foreach (double p in row)
            if (p > 0) h -= p * Math.Log(p);
        return h;
    }
}
