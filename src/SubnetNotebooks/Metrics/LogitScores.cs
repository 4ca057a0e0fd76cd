namespace SubnetNotebooks.Metrics;

/// <summary>
/// Per-sample OOD scores from logits, oriented like <see cref="UncertaintyScores"/>: a higher score means "more
/// uncertain" (more likely out-of-distribution). The members' logits are averaged over members first,
/// z̄ = (1/M) Σ_m z_m, as torch-uncertainty does for an ensemble; the probability-based scores average probabilities.
/// </summary>
public static class LogitScores
{
    /// <summary>Score names as used in report keys, in a fixed order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["max_logit", "energy"];

    /// <summary>−max_c z̄_c: the negated maximum logit (Hendrycks et al. 2022), so that higher means more uncertain.</summary>
    /// <param name="predictions">predictions that carry logits</param>
    /// <returns>[samples]</returns>
    public static double[] MaxLogit(Predictions predictions) => PerRow(predictions, row => -row[ClassificationScores.ArgMax(row)]);

    /// <summary>
    /// The free energy E(x) = −log Σ_c exp z̄_c at temperature 1 (Liu et al. 2020): in-distribution inputs have low
    /// (very negative) energy, so higher means more uncertain. Computed stably as −(max + log Σ exp(z̄ − max)).
    /// </summary>
    /// <param name="predictions">predictions that carry logits</param>
    /// <returns>[samples]</returns>
    public static double[] Energy(Predictions predictions) => PerRow(predictions, row =>
    {
        double max = row[ClassificationScores.ArgMax(row)], sum = 0;
        foreach (double z in row) sum += Math.Exp(z - max);
        return -(max + Math.Log(sum));
    });

    /// <summary>The score called <paramref name="name"/> (one of <see cref="Names"/>).</summary>
    /// <returns>[samples]</returns>
    public static double[] ByName(string name, Predictions predictions) => name switch
    {
        "max_logit" => MaxLogit(predictions),
        "energy" => Energy(predictions),
        _ => throw new ArgumentException($"Unknown logit score '{name}'; expected one of {string.Join(", ", Names)}."),
    };

    static double[] PerRow(Predictions predictions, Func<ReadOnlySpan<double>, double> score)
    {
        if (!predictions.HasLogits)
            throw new ArgumentException("Logit scores need the members' logits; these predictions carry probabilities only. " +
                                        "Predict with ExperimentRunner.Predict, or load predictions/<method>.logits.npy with Predictions.LoadNpy.");
        double[] mean = predictions.EnsembleLogits();
        int classes = predictions.Classes;
        var result = new double[predictions.Samples];
        for (int n = 0; n < result.Length; n++) result[n] = score(mean.AsSpan(n * classes, classes));
        return result;
    }
}
