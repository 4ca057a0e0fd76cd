using SubnetNotebooks.Metrics;

namespace SubnetNotebooks.Tests.Metrics;

public class DiversityReportTests
{
    const double Tol = 1e-6;

    [Fact]
    public void Hand_fixture_members()
    {
        var r = MemberReport.Measure(HandFixture.Build());
        // A predicts 0 1 0 1 vs labels 0 1 2 2 → 2/4; B predicts 0 1 0 2 → 3/4.
        Assert.Equal(new[] { 0.5, 0.75 }, r.Accuracy);
        // NLL_A = −(ln .65 + ln .75 + ln .20 + ln .30)/4; NLL_B = −(ln .75 + ln .55 + ln .30 + ln .70)/4.
        double nllA = -(Math.Log(.65) + Math.Log(.75) + Math.Log(.20) + Math.Log(.30)) / 4;
        double nllB = -(Math.Log(.75) + Math.Log(.55) + Math.Log(.30) + Math.Log(.70)) / 4;
        Assert.Equal(nllA, r.Nll[0], Tol);
        Assert.Equal(nllB, r.Nll[1], Tol);
        Assert.Equal(0.625, r.MeanAccuracy, Tol);
        // Ensemble accuracy .75 − mean member .625 = .125.
        Assert.Equal(0.125, r.EnsembleAccuracyGain, Tol);
        double ensembleNll = -(Math.Log(.70) + Math.Log(.65) + Math.Log(.25) + Math.Log(.50)) / 4;
        Assert.Equal((nllA + nllB) / 2 - ensembleNll, r.EnsembleNllGain, Tol);
    }

    [Fact]
    public void Hand_fixture_diversity()
    {
        var d = DiversityReport.Measure(HandFixture.Build());
        // Only sample 3 differs (A→1, B→2): disagreement 1/4.
        Assert.Equal(0.25, d.Disagreement[0][1], Tol);
        Assert.Equal(0.25, d.MeanDisagreement, Tol);
        Assert.Equal(0.0, d.Disagreement[0][0]);
        // Errors A = 0 0 1 1, B = 0 0 1 0. Means .5, .25; deviations (−.5 −.5 .5 .5), (−.25 −.25 .75 −.25):
        // cov = .125+.125+.375−.125 = .5; var sums 1 and .75 → r = .5/√.75 = 1/√3.
        Assert.Equal(1 / Math.Sqrt(3), d.ErrorCorrelation[0][1], Tol);
        Assert.Equal(1 / Math.Sqrt(3), d.MeanErrorCorrelation, Tol);
        // Mean member error (.5 + .25)/2 = .375 → .25/.375 = 2/3.
        Assert.Equal(2.0 / 3, d.DisagreementOverError, Tol);

        // KL and JS from the definitions, sample by sample.
        double kl = 0, klBack = 0, js = 0;
        for (int n = 0; n < 4; n++)
            for (int c = 0; c < 3; c++)
            {
                double a = HandFixture.A[n][c], b = HandFixture.B[n][c], mid = (a + b) / 2;
                kl += a * Math.Log(a / b);
                klBack += b * Math.Log(b / a);
                js += 0.5 * a * Math.Log(a / mid) + 0.5 * b * Math.Log(b / mid);
            }
        Assert.Equal(kl / 4, d.Kl[0][1], Tol);
        Assert.Equal(klBack / 4, d.Kl[1][0], Tol);
        Assert.Equal((kl + klBack) / 8, d.MeanKl, Tol);
        Assert.Equal(js / 4, d.JensenShannon[0][1], Tol);
        Assert.Equal(js / 4, d.MeanJensenShannon, Tol);
    }

    [Fact]
    public void Identical_members_have_no_diversity()
    {
        var p = HandFixture.Build();
        float[] twiceA = HandFixture.A.SelectMany(r => r).Concat(HandFixture.A.SelectMany(r => r)).ToArray();
        var d = DiversityReport.Measure(new Predictions(twiceA, 2, 4, 3, p.Labels.ToArray()));
        Assert.Equal(0.0, d.MeanDisagreement);
        Assert.Equal(0.0, d.MeanKl, 12);
        Assert.Equal(0.0, d.MeanJensenShannon, 12);
        Assert.Equal(1.0, d.MeanErrorCorrelation, 12);
    }

    [Fact]
    public void Single_member_reports_zero_diversity_and_undefined_correlation()
    {
        var d = DiversityReport.Measure(HandFixture.Build().Member(0));
        Assert.Equal(0.0, d.MeanDisagreement);
        Assert.Equal(0.0, d.MeanKl);
        Assert.True(double.IsNaN(d.MeanErrorCorrelation));
        var r = MemberReport.Measure(HandFixture.Build().Member(0));
        Assert.Equal(0.0, r.EnsembleAccuracyGain);
        Assert.Equal(0.0, r.EnsembleNllGain, 12);
    }

    [Fact]
    public void All_right_members_have_undefined_error_correlation()
    {
        float[] probs = [.9f, .1f, .2f, .8f, .7f, .3f, .4f, .6f];
        var d = DiversityReport.Measure(new Predictions(probs, 2, 2, 2, [0, 1]));
        Assert.True(double.IsNaN(d.ErrorCorrelation[0][1]));
        Assert.True(double.IsNaN(d.MeanErrorCorrelation));
        Assert.True(double.IsNaN(d.DisagreementOverError));
    }
}
