using SubnetNotebooks.Metrics;

namespace SubnetNotebooks.Experiments;

/// <summary>How an ensemble's quality grows with its size: the ensemble of its first k members, k = 1..M.</summary>
public static class EnsembleSize
{
    /// <summary>Quality of the ensemble of the first k members for every k.</summary>
    /// <param name="predictions">[members, samples, classes] member probabilities</param>
    /// <param name="bins">confidence bins for the calibration errors</param>
    /// <returns>[members] element k - 1 measures the mean of members 1..k</returns>
    public static IReadOnlyList<QualityReport> QualityBySize(Predictions predictions, int bins = CalibrationError.DefaultBins) =>
        Enumerable.Range(1, predictions.Members).Select(k => QualityReport.Measure(predictions.Take(k), bins)).ToArray();

    /// <summary>One metric of a quality report by its key: accuracy, nll, brier, ece, mce, ace or classwise_ece.</summary>
    public static double Metric(QualityReport quality, string metric)
    {
        var values = new Dictionary<string, double>();
        quality.AddTo(values);
        return values.TryGetValue(metric, out var value) ? value
            : throw new ArgumentException($"Unknown metric '{metric}'; expected one of {string.Join(", ", values.Keys)}.");
    }
}
