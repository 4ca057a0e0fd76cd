using SubnetNotebooks.Experiments;
using SubnetNotebooks.Training;

namespace SubnetNotebooks.Tests.Experiments;

public class OverlapSweepTests() : InTempFolder("subnet-sweep-")
{
    [Fact]
    public void TrainsAndEvaluatesOneEnsemblePerOverlap()
    {
        // Two hidden layers of 1,024 units: 2,048 units, enough for the measured IoU to sit near its expectation.
        var config = Profiles.Smoke with
        {
            OodDataset = "", TrainSamples = 128, TestSamples = 64, ValidationSamples = 32, Widths = [1024, 1024], MaxBatchesPerEpoch = 2, BatchSize = 32,
            Members = 2,
        };
        var observer = new Recorder();
        var points = OverlapSweep.Run(config, [0, 0.5, 1], _dir, observer);
        Assert.Equal([0.0, 0.5, 1.0], points.Select(p => p.Overlap));
        // At overlap t a share 1 - t of the units has one owner each and every other unit is kept by each of the M = 2
        // members with probability 1/2: |A ∩ B| = t U / 4, |A ∪ B| = 2 U / 2 - t U / 4, so IoU = t / (2M - t): 0, 1/7, 1/3.
        // The IoU is a ratio of counts over U = 2,048 units: at t = 1 the union holds about 1,536 units, each in the
        // intersection with probability 1/3, a standard error of sqrt((1/3)(2/3) / 1,536) = 0.012 (less at t = 0.5); ±0.05
        // is 4 of them, and far from a wrong formula such as t / M (0.25, 0.5).
        Assert.Equal(0, points[0].MeanIoU);
        Assert.Equal(1.0 / 7, points[1].MeanIoU, 0.05);
        Assert.Equal(1.0 / 3, points[2].MeanIoU, 0.05);
        Assert.All(points, p => Assert.Equal(config.Members, p.Outcome.Members));
        Assert.All(points, p => Assert.InRange(p.Outcome.Report.Test.Accuracy, 0, 1));
        Assert.True(Directory.Exists(Path.Combine(_dir, "checkpoints", "overlap-0", "overlap")));
        Assert.True(Directory.Exists(Path.Combine(_dir, "checkpoints", "overlap-0.5", "overlap")));
        Assert.True(Directory.Exists(Path.Combine(_dir, "checkpoints", "overlap-1", "overlap")));
        // One run name per point, and validation figures every epoch for an observer that asks for them.
        Assert.Equal(["overlap-0", "overlap-0.5", "overlap-1"], observer.Epochs.Select(e => e.Run).Distinct());
        Assert.All(observer.Epochs, e => Assert.NotNull(e.ValidationAccuracy));

        // Run again: every point is loaded from its checkpoint, and the observer hears the stored epochs under the point's name.
        var again = new Recorder();
        OverlapSweep.Run(config, [0, 0.5, 1], _dir, again);
        Assert.Empty(again.Epochs);
        Assert.Equal(["overlap-0", "overlap-0.5", "overlap-1"], again.Resumed.Select(r => r.Run));
        Assert.Equal(observer.Epochs.Select(e => e.TrainLoss), again.Resumed.SelectMany(r => r.History.Select(e => e.TrainLoss)));
    }

    sealed class Recorder : IExperimentObserver
    {
        public List<EpochProgress> Epochs { get; } = [];
        public List<(string Run, IReadOnlyList<EpochProgress> History)> Resumed { get; } = [];
        public void OnEpoch(EpochProgress progress) => Epochs.Add(progress);
        public void OnResume(string run, IReadOnlyList<EpochProgress> history) => Resumed.Add((run, history));
        public bool WantsValidation => true;
    }
}
