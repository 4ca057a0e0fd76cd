using static TorchSharp.torch;

namespace SubnetNotebooks.Metrics;

/// <summary>Metrics of the ensemble on images corrupted by one corruption at one severity.</summary>
/// <param name="Corruption">one of <see cref="Corruptions.Names"/></param>
/// <param name="Severity">1 to 5</param>
/// <param name="Quality">accuracy, NLL, Brier and calibration on the corrupted images</param>
/// <param name="Diversity">the members' diversity and the ensemble's gain on the corrupted images (null: not measured)</param>
public sealed record ShiftEntry(string Corruption, int Severity, QualityReport Quality, DiversitySummary? Diversity = null)
{
    /// <summary>Measures the ensemble's predictions on one corruption at one severity.</summary>
    /// <param name="corruption">the corruption's name</param>
    /// <param name="severity">1 to 5</param>
    /// <param name="predictions">[members, samples, classes] predictions on the corrupted images, with their labels</param>
    /// <param name="bins">calibration bins</param>
    public static ShiftEntry Measure(string corruption, int severity, Predictions predictions, int bins = CalibrationError.DefaultBins) =>
        new(corruption, severity, QualityReport.Measure(predictions, bins), DiversitySummary.Measure(predictions));
}

/// <summary>
/// Predictive quality under dataset shift: the clean test set and every corruption × severity
/// (CIFAR-10-C style, see <see cref="Corruptions"/>).
/// </summary>
/// <param name="Clean">metrics on the uncorrupted images</param>
/// <param name="Entries">one per corruption and severity, corruption-major</param>
/// <param name="Source">where the corrupted images came from: <see cref="Synthetic"/>, or a published benchmark and its folder</param>
/// <param name="CleanDiversity">the members' diversity and the ensemble's gain on the same images uncorrupted (null: not measured)</param>
public sealed record ShiftReport(QualityReport Clean, IReadOnlyList<ShiftEntry> Entries, string Source = ShiftReport.Synthetic,
    DiversitySummary? CleanDiversity = null)
{
    /// <summary>The <see cref="Source"/> of reports measured on the kit's own corruptions.</summary>
    public const string Synthetic = "the kit's synthetic corruptions (Metrics/Corruptions.cs)";

    /// <summary>
    /// Corrupts <paramref name="images"/> with each corruption and severity, asks
    /// <paramref name="predict"/> for the ensemble's predictions on each version, and measures them.
    /// Corruption i at severity s is seeded with seed + 1000·i + s.
    /// </summary>
    /// <param name="images">[batch, channels, height, width] clean float images in [0, 1]</param>
    /// <param name="predict">maps [batch, channels, height, width] images in [0, 1] to the ensemble's predictions with the images' labels</param>
    /// <param name="corruptions">corruption names (default: all of <see cref="Corruptions.Names"/>)</param>
    /// <param name="severities">severities (default: 1 to 5)</param>
    /// <param name="seed">base seed of the corruption noise</param>
    /// <param name="bins">confidence bins for the calibration errors</param>
    public static ShiftReport Measure(Tensor images, Func<Tensor, Predictions> predict, IEnumerable<string>? corruptions = null,
        IEnumerable<int>? severities = null, long seed = 0, int bins = CalibrationError.DefaultBins)
    {
        var names = (corruptions ?? Corruptions.Names).ToArray();
        var levels = (severities ?? Enumerable.Range(1, Corruptions.Severities)).ToArray();
        var cleanPredictions = predict(images);
        var entries = new List<ShiftEntry>();
        foreach (var name in names)
        {
            int index = Corruptions.Names.ToList().IndexOf(name);
            foreach (int severity in levels)
            {
                using var corrupted = Corruptions.Apply(name, severity, images, seed + 1000L * index + severity);
                entries.Add(ShiftEntry.Measure(name, severity, predict(corrupted), bins));
            }
        }
        return new ShiftReport(QualityReport.Measure(cleanPredictions, bins), entries, Synthetic, DiversitySummary.Measure(cleanPredictions));
    }

    /// <summary>Mean of a metric over all corruptions at <paramref name="severity"/> (or over everything when null).</summary>
    public double Mean(Func<QualityReport, double> metric, int? severity = null)
    {
        var chosen = Entries.Where(e => severity is null || e.Severity == severity).ToArray();
        if (chosen.Length == 0)
            throw new ArgumentException($"No shift entries at severity {severity}; measured severities: {string.Join(", ", Entries.Select(e => e.Severity).Distinct())}.");
        return chosen.Average(e => metric(e.Quality));
    }

    /// <summary>The diversity averaged over every corruption at <paramref name="severity"/> (or over everything when null); null when no entry has one.</summary>
    public DiversitySummary? MeanDiversity(int? severity = null)
    {
        var chosen = Entries.Where(e => (severity is null || e.Severity == severity) && e.Diversity is not null).Select(e => e.Diversity!).ToArray();
        return chosen.Length == 0 ? null : DiversitySummary.Mean(chosen);
    }

    /// <summary>
    /// Scalars under "shift.{corruption}.{severity}.{metric}", "shift.mean.{severity}.{metric}" and
    /// "shift.mean.{metric}" for metric in accuracy, nll, brier, ece; where diversity was measured, its means
    /// (<see cref="DiversitySummary.AddTo"/>) under "shift.clean.", "shift.mean.{severity}." and "shift.mean.".
    /// </summary>
    public void AddTo(IDictionary<string, double> into)
    {
        (string Key, Func<QualityReport, double> Get)[] metrics =
            [("accuracy", q => q.Accuracy), ("nll", q => q.Nll), ("brier", q => q.Brier), ("ece", q => q.Ece)];
        foreach (var e in Entries)
            foreach (var (key, get) in metrics)
                into[$"shift.{e.Corruption}.{e.Severity}.{key}"] = get(e.Quality);
        foreach (int severity in Entries.Select(e => e.Severity).Distinct())
            foreach (var (key, get) in metrics)
                into[$"shift.mean.{severity}.{key}"] = Mean(get, severity);
        if (Entries.Count > 0)
            foreach (var (key, get) in metrics)
                into[$"shift.mean.{key}"] = Mean(get);
        CleanDiversity?.AddTo(into, "shift.clean.");
        foreach (int severity in Entries.Select(e => e.Severity).Distinct())
            MeanDiversity(severity)?.AddTo(into, $"shift.mean.{severity}.");
        MeanDiversity()?.AddTo(into, "shift.mean.");
    }
}
