using SubnetNotebooks.Metrics;

namespace SubnetNotebooks.Tests.Metrics;

public class DiversitySummaryTests
{
    [Fact]
    public void Hand_fixture_diversity_and_gain()
    {
        // Predictions A: 0 1 0 1, B: 0 1 0 2 (see HandFixture): they differ on 1 of 4 samples.
        // Labels 0 1 2 2: A right on 2, B on 3, mean member accuracy 5/8; the ensemble (0 1 0 2) is right on 3: gain 1/8.
        var d = DiversitySummary.Measure(HandFixture.Build());
        Assert.Equal(0.25, d.Disagreement, 12);
        Assert.Equal(0.125, d.AccuracyGain!.Value, 12);
        // Error indicators A: 0 0 1 1, B: 0 0 1 0. Pearson: means 1/2 and 1/4, covariance sum (−½)(−¼)·2 + (½)(¾) + (½)(−¼) = ½,
        // variances 1 and 3/4: r = ½ / √(3/4) = 1/√3.
        Assert.Equal(1 / Math.Sqrt(3), d.ErrorCorrelation!.Value, 6);

        var unlabelled = DiversitySummary.MeasureUnlabelled(HandFixture.Build());
        Assert.Equal(0.25, unlabelled.Disagreement, 12);
        Assert.Null(unlabelled.ErrorCorrelation);
        Assert.Null(unlabelled.AccuracyGain);
    }

    [Fact]
    public void Shift_keys_average_the_corruptions_at_each_severity()
    {
        var quality = QualityReport.Measure(HandFixture.Build());
        ShiftEntry Entry(string corruption, int severity, double disagreement, double? correlation) =>
            new(corruption, severity, quality, new DiversitySummary(disagreement, 0.1, correlation, 0.02, 0.03));
        var report = new ShiftReport(quality,
            [Entry("gaussian_noise", 1, 0.2, 0.5), Entry("blur", 1, 0.4, null), Entry("gaussian_noise", 2, 0.3, 0.7), Entry("blur", 2, 0.5, 0.3)],
            ShiftReport.Synthetic, new DiversitySummary(0.1, 0.05, 0.6, 0.01, 0.02));
        var keys = new Dictionary<string, double>();
        report.AddTo(keys);
        Assert.Equal(0.1, keys["shift.clean.diversity.disagreement"], 12);
        Assert.Equal(0.3, keys["shift.mean.1.diversity.disagreement"], 12);       // (0.2 + 0.4) / 2
        Assert.Equal(0.5, keys["shift.mean.1.diversity.error_correlation"], 12);  // the one defined value
        Assert.Equal(0.5, keys["shift.mean.2.diversity.error_correlation"], 12);  // (0.7 + 0.3) / 2
        Assert.Equal(0.35, keys["shift.mean.diversity.disagreement"], 12);        // (0.2 + 0.4 + 0.3 + 0.5) / 4
        Assert.Equal(0.02, keys["shift.mean.2.ensemble.accuracy_gain"], 12);
    }
}
