using SubnetNotebooks.Data;
using SubnetNotebooks.Ensembles;
using SubnetNotebooks.Metrics;
using TorchSharp;
using static TorchSharp.torch;
using SubnetNotebooks.Native;

namespace SubnetNotebooks.Experiments;

/// <summary>
/// A trained ensemble under dataset shift: on the published corruption benchmark of the run's dataset when it is on
/// disk (CIFAR-10-C, CIFAR-100-C, Tiny-ImageNet-C; see <see cref="CorruptionBenchmark"/>), else on the test images
/// corrupted by every synthetic corruption at every severity (<see cref="Corruptions"/>), stored back as 8-bit images
/// like the clean ones. Either way the images are normalised and predicted as usual, and the report names its source.
/// </summary>
public static class ShiftEvaluation
{
    /// <summary>Measures <paramref name="ensemble"/> on the session's test set (a seeded, class-stratified subset of <paramref name="samples"/> images) under shift.</summary>
    /// <param name="session">the open experiment whose test set, normalisation, batch size and device are used</param>
    /// <param name="ensemble">a trained ensemble of that session</param>
    /// <param name="samples">test images used (0: all)</param>
    /// <param name="corruptions">corruption names (default: all)</param>
    /// <param name="severities">severities (default: 1 to 5)</param>
    public static ShiftReport Measure(ExperimentSession session, IEnsemble ensemble, int samples = 0,
        IEnumerable<string>? corruptions = null, IEnumerable<int>? severities = null) =>
        Measure(ensemble, session.Data.Test, session.Data.Normalization, Math.Max(session.Config.BatchSize, 256), session.Device,
            samples, corruptions, severities, session.Config.Seed);

    /// <summary>
    /// The shift evaluation of a run: the published benchmark of the config's dataset when found and
    /// shiftBenchmark is auto, else the synthetic corruptions; <see cref="ExperimentConfig.ShiftSamples"/> images each.
    /// </summary>
    public static ShiftReport Measure(IEnsemble ensemble, ExperimentData data, ExperimentConfig config, Device device)
    {
        int batch = Math.Max(config.BatchSize, 256);
        var benchmark = config.ShiftBenchmark == "synthetic" ? null
            : CorruptionBenchmark.Find(config.Dataset, string.IsNullOrEmpty(config.DataDir) ? null : config.DataDir);
        return benchmark is null
            ? Measure(ensemble, data.Test, data.Normalization, batch, device, config.ShiftSamples, seed: config.Seed)
            : Measure(ensemble, benchmark, data.Test, data.Normalization, batch, device, config.ShiftSamples, config.Seed);
    }

    /// <summary>Measures <paramref name="ensemble"/> on <paramref name="test"/> under every corruption and severity.</summary>
    /// <param name="ensemble">a trained ensemble</param>
    /// <param name="test">uint8 [N, C, H, W] test images with labels</param>
    /// <param name="normalization">the normalisation the ensemble was trained with</param>
    /// <param name="batchSize">evaluation batch size</param>
    /// <param name="device">where the ensemble runs</param>
    /// <param name="samples">images used, a seeded class-stratified subset (0: all)</param>
    /// <param name="corruptions">corruption names (default: all)</param>
    /// <param name="severities">severities (default: 1 to 5)</param>
    /// <param name="seed">seed of the corruption noise</param>
    public static ShiftReport Measure(IEnsemble ensemble, ImageDataset test, Normalization normalization, int batchSize, Device device,
        int samples = 0, IEnumerable<string>? corruptions = null, IEnumerable<int>? severities = null, long seed = 0)
    {
        int n = samples > 0 ? Math.Min(samples, test.Count) : test.Count;
        using var scope = NewDisposeScope();
        using var chosen = tensor(DatasetSplit.StratifiedIndices(test.Labels.data<long>().ToArray(), n, seed));
        var images = test.Pixels.index_select(0, chosen).to_type(ScalarType.Float32).div(OwnedScalars.Of(255f));
        var labels = test.Labels.index_select(0, chosen);
        return ShiftReport.Measure(images, corrupted =>
        {
            using var inner = NewDisposeScope();
            var pixels = corrupted.mul(OwnedScalars.Of(255f)).round().clamp(OwnedScalars.Of(0), OwnedScalars.Of(255)).to_type(ScalarType.Byte).contiguous();
            using var shifted = new ImageDataset($"{test.Name} (shifted)", pixels, labels.clone(), test.Classes, test.ClassNames);
            return Predict(ensemble, shifted, normalization, batchSize, device);
        }, corruptions, severities, seed);
    }

    /// <summary>
    /// Measures <paramref name="ensemble"/> on a published corruption benchmark: every corruption and severity, the same
    /// seeded random <paramref name="samples"/> positions of each; clean: the first <paramref name="samples"/> test images.
    /// </summary>
    /// <param name="ensemble">a trained ensemble</param>
    /// <param name="benchmark">the benchmark found for the run's dataset</param>
    /// <param name="test">uint8 [N, C, H, W] clean test images with labels</param>
    /// <param name="normalization">the normalisation the ensemble was trained with</param>
    /// <param name="batchSize">evaluation batch size</param>
    /// <param name="device">where the ensemble runs</param>
    /// <param name="samples">images per corruption and severity (0: all)</param>
    /// <param name="seed">seed of the random positions</param>
    public static ShiftReport Measure(IEnsemble ensemble, CorruptionBenchmark benchmark, ImageDataset test, Normalization normalization,
        int batchSize, Device device, int samples, long seed)
    {
        using var held = HeldTensors.Hold();
        int n = samples > 0 ? Math.Min(samples, benchmark.PerSeverity) : benchmark.PerSeverity;
        var positions = Enumerable.Range(0, benchmark.PerSeverity).Select(i => (long)i).ToArray();
        new Random(unchecked((int)(seed * 7_919 + 13))).Shuffle(positions);
        var indices = positions.Take(n).Order().ToArray();
        Predictions clean;
        using (var first = test.Take(Math.Min(n, test.Count))) clean = Predict(ensemble, first, normalization, batchSize, device);
        var entries = new List<ShiftEntry>();
        foreach (var corruption in benchmark.Corruptions)
        {
            var sets = benchmark.Read(corruption, test.Classes, test.Height, indices);
            try
            {
                for (int s = 0; s < sets.Count; s++)
                {
                    if (sets[s].Channels != test.Channels || sets[s].Height != test.Height || sets[s].Width != test.Width)
                        throw new InvalidDataException(
                            $"{benchmark.Name} {corruption} images are {sets[s].Channels}x{sets[s].Height}x{sets[s].Width}; the run's test images are " +
                            $"{test.Channels}x{test.Height}x{test.Width}. Use the benchmark of the run's dataset, or --set shiftBenchmark=synthetic.");
                    entries.Add(ShiftEntry.Measure(corruption, s + 1, Predict(ensemble, sets[s], normalization, batchSize, device)));
                }
            }
            finally
            {
                foreach (var set in sets) set.Dispose();
            }
        }
        return new ShiftReport(QualityReport.Measure(clean), entries, benchmark.ToString(), DiversitySummary.Measure(clean));
    }

    static Predictions Predict(IEnsemble ensemble, ImageDataset images, Normalization normalization, int batchSize, Device device)
    {
        using var probs = ensemble.PredictMembers(new BatchIterator(images, batchSize, normalization), device);
        return Predictions.FromTensor(probs, images.Labels);
    }
}
