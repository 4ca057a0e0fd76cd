using SubnetNotebooks.Experiments;
using SubnetNotebooks.Training;

namespace SubnetNotebooks.Tests.Experiments;

public class OverlapSweepTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("subnet-sweep-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void TrainsAndEvaluatesOneEnsemblePerOverlap()
    {
        var config = Profiles.Smoke with
        {
            OodDataset = "", TrainSamples = 128, TestSamples = 64, ValidationSamples = 32, Widths = [16], MaxBatchesPerEpoch = 2, BatchSize = 32,
        };
        var observer = new Recorder();
        var points = OverlapSweep.Run(config, [0, 1], _dir, observer);
        Assert.Equal([0.0, 1.0], points.Select(p => p.Overlap));
        Assert.Equal(0, points[0].MeanIoU);
        Assert.True(points[1].MeanIoU > 0);
        Assert.All(points, p => Assert.Equal(config.Members, p.Outcome.Members));
        Assert.All(points, p => Assert.InRange(p.Outcome.Report.Test.Accuracy, 0, 1));
        Assert.True(Directory.Exists(Path.Combine(_dir, "checkpoints", "overlap-0", "overlap")));
        Assert.True(Directory.Exists(Path.Combine(_dir, "checkpoints", "overlap-1", "overlap")));
        // One run name per point, and validation figures every epoch for an observer that asks for them.
        Assert.Equal(["overlap-0", "overlap-1"], observer.Epochs.Select(e => e.Run).Distinct());
        Assert.All(observer.Epochs, e => Assert.NotNull(e.ValidationAccuracy));

        // Run again: every point is loaded from its checkpoint, and the observer hears the stored epochs under the point's name.
        var again = new Recorder();
        OverlapSweep.Run(config, [0, 1], _dir, again);
        Assert.Empty(again.Epochs);
        Assert.Equal(["overlap-0", "overlap-1"], again.Resumed.Select(r => r.Run));
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
