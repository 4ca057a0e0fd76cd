using SubnetNotebooks.Experiments;

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
        var points = OverlapSweep.Run(config, [0, 1], _dir);
        Assert.Equal([0.0, 1.0], points.Select(p => p.Overlap));
        Assert.Equal(0, points[0].MeanIoU);
        Assert.True(points[1].MeanIoU > 0);
        Assert.All(points, p => Assert.Equal(config.Members, p.Outcome.Members));
        Assert.All(points, p => Assert.InRange(p.Outcome.Report.Test.Accuracy, 0, 1));
        Assert.True(Directory.Exists(Path.Combine(_dir, "checkpoints", "overlap-0", "overlap")));
        Assert.True(Directory.Exists(Path.Combine(_dir, "checkpoints", "overlap-1", "overlap")));
    }
}
