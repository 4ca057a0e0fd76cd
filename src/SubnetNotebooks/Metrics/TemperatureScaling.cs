namespace SubnetNotebooks.Metrics;

/// <summary>
/// Temperature scaling (Guo et al., 2017) for an ensemble: one scalar T per method, applied to
/// each member before averaging, p_T = softmax(log p / T), fitted by minimising the NLL of the
/// averaged probabilities on a held-out validation split. The search is over log T in
/// [<see cref="LogLowerBound"/>, <see cref="LogUpperBound"/>]: a grid of 61 points, then
/// golden-section refinement around the best grid point; deterministic.
/// </summary>
public static class TemperatureScaling
{
    /// <summary>Smallest log T searched (T ≈ 0.05).</summary>
    public const double LogLowerBound = -3;
    /// <summary>Largest log T searched (T ≈ 20).</summary>
    public const double LogUpperBound = 3;

    const int GridPoints = 61;

    /// <summary>The temperature that minimises the validation NLL of the tempered ensemble.</summary>
    /// <param name="validation">held-out predictions [members, samples, classes] with labels</param>
    public static double Fit(Predictions validation)
    {
        double[] logits = LogProbabilities(validation);
        double Objective(double logT) => NegativeLogLikelihood(logits, validation, Math.Exp(logT));

        double step = (LogUpperBound - LogLowerBound) / (GridPoints - 1);
        int best = 0;
        double bestValue = double.PositiveInfinity;
        for (int i = 0; i < GridPoints; i++)
        {
            double value = Objective(LogLowerBound + i * step);
            if (value < bestValue) { bestValue = value; best = i; }
        }
        double a = LogLowerBound + Math.Max(best - 1, 0) * step;
        double b = LogLowerBound + Math.Min(best + 1, GridPoints - 1) * step;
        return Math.Exp(GoldenSection(Objective, a, b, 1e-6));
    }

    /// <summary>Predictions with every member tempered: p_T = softmax(log p / T).</summary>
    /// <param name="predictions">[members, samples, classes] probabilities</param>
    /// <param name="temperature">T &gt; 0; T &gt; 1 softens, T &lt; 1 sharpens</param>
    public static Predictions Apply(Predictions predictions, double temperature)
    {
        CheckTemperature(temperature);
        double[] logits = LogProbabilities(predictions);
        int classes = predictions.Classes;
        var result = new float[logits.Length];
        var row = new double[classes];
        for (int start = 0; start < logits.Length; start += classes)
        {
            Softmax(logits.AsSpan(start, classes), temperature, row);
            for (int c = 0; c < classes; c++) result[start + c] = (float)row[c];
        }
        return new Predictions(result, predictions.Members, predictions.Samples, classes, predictions.Labels.ToArray());
    }

    /// <summary>NLL of the averaged tempered members at temperature <paramref name="temperature"/>.</summary>
    /// <param name="predictions">[members, samples, classes] probabilities</param>
    /// <param name="temperature">T &gt; 0</param>
    public static double NegativeLogLikelihood(Predictions predictions, double temperature)
    {
        CheckTemperature(temperature);
        return NegativeLogLikelihood(LogProbabilities(predictions), predictions, temperature);
    }

    /// <param name="logits">[members * samples * classes] log-probabilities shifted so each row's maximum is 0</param>
    /// <param name="predictions">supplies the shape and labels</param>
    /// <param name="temperature">T &gt; 0</param>
    static double NegativeLogLikelihood(double[] logits, Predictions predictions, double temperature)
    {
        int m = predictions.Members, n = predictions.Samples, classes = predictions.Classes;
        double inverse = 1 / temperature, sum = 0;
        var labels = predictions.Labels;
        for (int i = 0; i < n; i++)
        {
            double labelProbability = 0;
            for (int k = 0; k < m; k++)
            {
                int offset = ((k * n) + i) * classes;
                double normaliser = 0;
                for (int c = 0; c < classes; c++) normaliser += Math.Exp(logits[offset + c] * inverse);
                labelProbability += Math.Exp(logits[offset + labels[i]] * inverse) / normaliser;
            }
            sum -= Math.Log(Math.Max(labelProbability / m, ClassificationScores.LogFloor));
        }
        return sum / n;
    }

    /// <returns>[members * samples * classes] log max(p, floor), each row shifted so its maximum is 0 (softmax is unchanged)</returns>
    static double[] LogProbabilities(Predictions predictions)
    {
        var values = predictions.Values;
        int classes = predictions.Classes;
        var logits = new double[values.Length];
        for (int start = 0; start < values.Length; start += classes)
        {
            double max = double.NegativeInfinity;
            for (int c = start; c < start + classes; c++)
            {
                logits[c] = Math.Log(Math.Max(values[c], ClassificationScores.LogFloor));
                max = Math.Max(max, logits[c]);
            }
            for (int c = start; c < start + classes; c++) logits[c] -= max;
        }
        return logits;
    }

    static void Softmax(ReadOnlySpan<double> logits, double temperature, Span<double> into)
    {
        double max = double.NegativeInfinity;
        for (int c = 0; c < logits.Length; c++) max = Math.Max(max, logits[c]);
        double sum = 0;
        for (int c = 0; c < logits.Length; c++) { into[c] = Math.Exp((logits[c] - max) / temperature); sum += into[c]; }
        for (int c = 0; c < logits.Length; c++) into[c] /= sum;
    }

    static double GoldenSection(Func<double, double> f, double a, double b, double tolerance)
    {
        double ratio = (Math.Sqrt(5) - 1) / 2;
        double x1 = b - ratio * (b - a), x2 = a + ratio * (b - a);
        double f1 = f(x1), f2 = f(x2);
        while (b - a > tolerance)
        {
            if (f1 <= f2) { b = x2; x2 = x1; f2 = f1; x1 = b - ratio * (b - a); f1 = f(x1); }
            else { a = x1; x1 = x2; f1 = f2; x2 = a + ratio * (b - a); f2 = f(x2); }
        }
        return (a + b) / 2;
    }

    static void CheckTemperature(double temperature)
    {
        if (!(temperature > 0) || double.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), $"Temperature {temperature}; expected a finite T > 0.");
    }
}
