using SubnetNotebooks.Ensembles;
using SubnetNotebooks.Masking;
using SubnetNotebooks.Models;
using SubnetNotebooks.Training;

namespace SubnetNotebooks.Experiments;

/// <summary>One point of the overlap sweep: the overlap asked for, the members' measured mean pairwise IoU, and the evaluation.</summary>
/// <param name="Overlap">t in [0, 1] given to <see cref="OverlapMasks"/></param>
/// <param name="MeanIoU">mean over member pairs of the unit IoU of the masks actually drawn</param>
/// <param name="Outcome">metrics (quality, calibration, diversity, OOD) and cost of the trained ensemble</param>
public sealed record OverlapPoint(double Overlap, double MeanIoU, MethodOutcome Outcome);

/// <summary>
/// The overlap axis as an experiment: for each overlap value trains an <see cref="OverlapEnsemble"/> (same data, seed,
/// model family and training options; members coupled only through the weights of shared units) and evaluates it, so
/// quality and diversity can be plotted against how many units the members share. Each point reports progress as run
/// overlap-t. Checkpoints go to runFolder/checkpoints/overlap-t when a run folder is given.
/// </summary>
public static class OverlapSweep
{
    /// <summary>Trains and evaluates one overlap ensemble per value of <paramref name="overlaps"/>.</summary>
    /// <param name="config">data, model, members, training options and seed (its overlap field is ignored)</param>
    /// <param name="overlaps">values of t in [0, 1], e.g. 0, 0.25, 0.5, 0.75, 1</param>
    /// <param name="runFolder">folder for checkpoints (null: none)</param>
    /// <param name="observer">progress receiver</param>
    /// <param name="cancellation">stops between batches</param>
    public static IReadOnlyList<OverlapPoint> Run(ExperimentConfig config, IReadOnlyList<double> overlaps, string? runFolder = null,
        IExperimentObserver? observer = null, CancellationToken cancellation = default)
    {
        foreach (var t in overlaps) (config with { Overlap = t, Methods = ["overlap"] }).Validate();
        var device = ExperimentRunner.Prepare(config);
        using var data = ExperimentData.Load(config);
        var points = new List<OverlapPoint>();
        foreach (var t in overlaps)
        {
            var name = $"overlap-{t.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)}";
            observer?.OnStage(name, "training");
            var pointConfig = config with { Overlap = t };
            using var ensemble = new OverlapEnsemble(Methods.Recipe(pointConfig, data.Info), pointConfig.BaselineTraining, pointConfig.Members, pointConfig.Seed, t);
            var checkpoints = runFolder is null ? null : Path.Combine(runFolder, "checkpoints", name);
            ensemble.Fit(new EnsembleTrainingContext(data.TrainBatches(pointConfig, pointConfig.Seed), data.ValidationFor(observer, pointConfig), device,
                checkpoints, Renamed(observer, name), cancellation));
            var iou = OverlapMasks.MeanPairwiseIoU(((MaskedMembersNetwork)ensemble.Network).Masks);
            observer?.OnStage(name, "evaluating");
            var (outcome, _) = ExperimentRunner.Evaluate(ensemble, data, pointConfig, device);
            points.Add(new OverlapPoint(t, iou, outcome));
            observer?.OnStage(name, $"mean IoU {iou:F3}, accuracy {outcome.Report.Test.Accuracy:P2}, NLL {outcome.Report.Test.Nll:F4}");
        }
        return points;
    }

    /// <summary>Progress of one point under its own run name (every point's ensemble is method "overlap"), so a live chart draws one line per point.</summary>
    static ITrainingObserver? Renamed(IExperimentObserver? observer, string run) => observer is null ? null : new TrainingObserver(
        b => observer.OnBatch(b with { Run = run }), e => observer.OnEpoch(e with { Run = run }),
        (_, history) => observer.OnResume(run, history.Select(e => e with { Run = run }).ToArray()));
}
