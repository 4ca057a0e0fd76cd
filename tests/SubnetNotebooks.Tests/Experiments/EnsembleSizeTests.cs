using SubnetNotebooks.Experiments;
using SubnetNotebooks.Metrics;

namespace SubnetNotebooks.Tests.Experiments;

public class EnsembleSizeTests
{
    // Member 1: sample 0 [0.9, 0.1], sample 1 [0.4, 0.6]; member 2: sample 0 [0.5, 0.5], sample 1 [0.0, 1.0]; labels [0, 1].
    static Predictions Fixture() => new([0.9f, 0.1f, 0.4f, 0.6f, 0.5f, 0.5f, 0.0f, 1.0f], 2, 2, 2, [0, 1]);

    [Fact]
    public void TheFirstPointIsTheFirstMemberAlone()
    {
        var curve = EnsembleSize.QualityBySize(Fixture());
        Assert.Equal(2, curve.Count);
        Assert.Equal(1.0, curve[0].Accuracy, 12);
        Assert.Equal(-(Math.Log(0.9) + Math.Log(0.6)) / 2, curve[0].Nll, 6);
        // Brier: sample 0 (0.1² + 0.1²) = 0.02, sample 1 (0.4² + 0.4²) = 0.32; mean 0.17.
        Assert.Equal(0.17, curve[0].Brier, 6);
    }

    [Fact]
    public void TheLastPointAveragesEveryMember()
    {
        var curve = EnsembleSize.QualityBySize(Fixture());
        // Mean: sample 0 [0.7, 0.3], sample 1 [0.2, 0.8].
        Assert.Equal(1.0, curve[1].Accuracy, 12);
        Assert.Equal(-(Math.Log(0.7) + Math.Log(0.8)) / 2, curve[1].Nll, 6);
        // Brier: (0.3² + 0.3²) = 0.18 and (0.2² + 0.2²) = 0.08; mean 0.13.
        Assert.Equal(0.13, curve[1].Brier, 6);
    }

    [Fact]
    public void MetricReadsAReportByKeyAndNamesTheKeysOnAMistake()
    {
        var quality = EnsembleSize.QualityBySize(Fixture())[1];
        Assert.Equal(quality.Nll, EnsembleSize.Metric(quality, "nll"));
        Assert.Equal(quality.Ece, EnsembleSize.Metric(quality, "ece"));
        var error = Assert.Throws<ArgumentException>(() => EnsembleSize.Metric(quality, "loss"));
        Assert.Contains("'loss'", error.Message);
        Assert.Contains("accuracy", error.Message);
    }
}
