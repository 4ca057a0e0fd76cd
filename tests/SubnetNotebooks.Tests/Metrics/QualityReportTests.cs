using SubnetNotebooks.Metrics;

namespace SubnetNotebooks.Tests.Metrics;

public class QualityReportTests
{
    const double Tol = 1e-6; // members are float32, so means carry ~1e-8 rounding

    [Fact]
    public void Hand_fixture_accuracy_nll_brier()
    {
        var q = QualityReport.Measure(HandFixture.Build());
        // Mean predictions: 0 ✓, 1 ✓, 0 ✗ (label 2), 2 ✓ → 3/4.
        Assert.Equal(0.75, q.Accuracy, Tol);
        // NLL = −(ln .70 + ln .65 + ln .25 + ln .50)/4 (probability given to the label).
        Assert.Equal(-(Math.Log(.70) + Math.Log(.65) + Math.Log(.25) + Math.Log(.50)) / 4, q.Nll, Tol);
        // Brier per sample: s0 .3²+.25²+.05² = .155; s1 .3²+.35²+.05² = .215;
        // s2 .45²+.3²+.75² = .855; s3 .15²+.35²+.5² = .395; sum 1.62 → mean .405.
        Assert.Equal(0.405, q.Brier, Tol);
    }

    [Fact]
    public void Hand_fixture_calibration_errors()
    {
        var q = QualityReport.Measure(HandFixture.Build());
        // Confidences .70, .65, .45, .50 fall in four different 15-bins:
        // .70·15 = 10.5 → bin 10, .65·15 = 9.75 → 9, .45·15 = 6.75 → 6, .50·15 = 7.5 → 7.
        // ECE = (|1−.70| + |1−.65| + |0−.45| + |1−.50|)/4 = (.30+.35+.45+.50)/4 = .40.
        Assert.Equal(0.40, q.Ece, Tol);
        // MCE = largest single-bin gap = .50.
        Assert.Equal(0.50, q.Mce, Tol);
        // ACE with 15 equal-mass bins and 4 samples: each sample is its own bin → equals ECE.
        Assert.Equal(0.40, q.Ace, Tol);
        // Classwise: class 0 p = .70 .30 .45 .15 vs y = 1 0 0 0, all in different bins:
        //   (.30 + .30 + .45 + .15)/4 = .30
        // class 1 p = .25 .65 .30 .35 vs y = 0 1 0 0 (bins 3, 9, 4, 5): (.25+.35+.30+.35)/4 = .3125
        // class 2 p = .05 .05 .25 .50 vs y = 0 0 1 1: the two .05 share bin 0 (gap .05, weight 2),
        //   .25 → |1−.25| = .75, .50 → .50: (2·.05 + .75 + .50)/4 = .3375
        // mean over classes: (.30 + .3125 + .3375)/3 = .95/3.
        Assert.Equal(0.95 / 3, q.ClasswiseEce, Tol);

        Assert.Equal(15, q.Reliability.Count);
        var bin10 = q.Reliability[10];
        Assert.Equal((1, 0.70, 1.0), (bin10.Count, Math.Round(bin10.MeanConfidence, 6), bin10.Accuracy));
        var bin6 = q.Reliability[6];
        Assert.Equal((1, 0.45, 0.0), (bin6.Count, Math.Round(bin6.MeanConfidence, 6), bin6.Accuracy));
        Assert.Equal(4, q.Reliability.Sum(b => b.Count));
        Assert.Equal(6.0 / 15, q.Reliability[6].Lower, 12);
    }

    [Fact]
    public void Adaptive_bins_group_by_sorted_confidence()
    {
        var p = HandFixture.Build().EnsembleProbabilities();
        // Two equal-mass bins over sorted confidences .45 ✗, .50 ✓ | .65 ✓, .70 ✓:
        // low: conf .475, acc .5 → gap .025; high: conf .675, acc 1 → gap .325; each weight 1/2.
        // ACE = (.025 + .325)/2 = .175.
        Assert.Equal(0.175, CalibrationError.Adaptive(p, HandFixture.Labels, bins: 2), Tol);
    }

    [Fact]
    public void One_bin_ece_is_gap_between_accuracy_and_mean_confidence()
    {
        var p = HandFixture.Build().EnsembleProbabilities();
        // One bin holds everything: |3/4 − (.70+.65+.45+.50)/4| = |.75 − .575| = .175.
        Assert.Equal(0.175, CalibrationError.Expected(p, HandFixture.Labels, bins: 1), Tol);
        Assert.Equal(0.175, CalibrationError.Maximum(p, HandFixture.Labels, bins: 1), Tol);
    }

    [Fact]
    public void All_right_and_confident_is_perfect()
    {
        var q = QualityReport.Measure(HandFixture.Single([[1, 0], [0, 1], [1, 0]], [0, 1, 0]));
        Assert.Equal(1.0, q.Accuracy);
        Assert.Equal(0.0, q.Nll, 12);
        Assert.Equal(0.0, q.Brier, 12);
        Assert.Equal(0.0, q.Ece, 12);
        Assert.Equal(0.0, q.ClasswiseEce, 12);
        Assert.Equal(3, q.Reliability[14].Count);
    }

    [Fact]
    public void All_wrong_and_confident_hits_the_log_floor()
    {
        var q = QualityReport.Measure(HandFixture.Single([[1, 0], [0, 1]], [1, 0]));
        Assert.Equal(0.0, q.Accuracy);
        // p(label) = 0 is floored at 1e-12: NLL = −ln 1e-12 = 27.631…
        Assert.Equal(-Math.Log(1e-12), q.Nll, 9);
        // Brier: (1−0)² + (0−1)² = 2 per sample.
        Assert.Equal(2.0, q.Brier, 12);
        Assert.Equal(1.0, q.Ece, 12);
        Assert.Equal(1.0, q.Mce, 12);
    }

    [Fact]
    public void Argmax_ties_go_to_the_lowest_class()
    {
        // [.5 .5] predicts class 0: right for label 0, wrong for label 1.
        Assert.Equal(0.5, ClassificationScores.Accuracy(new double[] { .5, .5, .5, .5 }, new[] { 0, 1 }));
    }
}
