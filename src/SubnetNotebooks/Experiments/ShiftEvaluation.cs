using SubnetNotebooks.Data;
using SubnetNotebooks.Ensembles;
using SubnetNotebooks.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace SubnetNotebooks.Experiments;

/// <summary>
/// A trained ensemble under dataset shift: the test images corrupted by every corruption at every severity
/// (<see cref="Corruptions"/>), stored back as 8-bit images like the clean ones, normalised and predicted as usual.
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
        var images = test.Pixels.index_select(0, chosen).to_type(ScalarType.Float32).div(255f);
        var labels = test.Labels.index_select(0, chosen);
        return ShiftReport.Measure(images, corrupted =>
        {
            using var inner = NewDisposeScope();
            var pixels = corrupted.mul(255f).round().clamp(0, 255).to_type(ScalarType.Byte).contiguous();
            var shifted = new ImageDataset($"{test.Name} (shifted)", pixels, labels.clone(), test.Classes, test.ClassNames);
            using var probs = ensemble.PredictMembers(new BatchIterator(shifted, batchSize, normalization), device);
            return Predictions.FromTensor(probs, labels);
        }, corruptions, severities, seed);
    }
}
