using SubnetNotebooks.Metrics;

namespace SubnetNotebooks.Tests.Metrics;

public class TemperatureScalingTests
{
    [Fact]
    public void Apply_at_T_2_is_square_root_renormalised()
    {
        var p = HandFixture.Single([[.6, .3, .1]], [0]);
        var t = TemperatureScaling.Apply(p, 2);
        // softmax(ln p / 2) = √p / Σ√p
        double z = Math.Sqrt(.6) + Math.Sqrt(.3) + Math.Sqrt(.1);
        Assert.Equal(Math.Sqrt(.6) / z, t[0, 0, 0], 6);
        Assert.Equal(Math.Sqrt(.3) / z, t[0, 0, 1], 6);
        Assert.Equal(Math.Sqrt(.1) / z, t[0, 0, 2], 6);
        // T = 1 leaves members unchanged.
        Assert.Equal(p.Values.ToArray(), TemperatureScaling.Apply(p, 1).Values.ToArray(), new ToleranceComparer(1e-6));
    }

    [Fact]
    public void Recovers_the_temperature_that_generated_the_labels()
    {
        // Labels drawn from softmax(logits / 2) while the model reports softmax(logits):
        // the NLL-optimal temperature is 2.
        const double trueT = 2.0;
        var (probs, labels) = Synthetic(samples: 10000, classes: 5, members: 1, trueT, seed: 7);
        var p = new Predictions(probs, 1, 10000, 5, labels);
        double t = TemperatureScaling.Fit(p);
        Assert.InRange(t, trueT * 0.95, trueT * 1.05);
        Assert.True(TemperatureScaling.NegativeLogLikelihood(p, t) < TemperatureScaling.NegativeLogLikelihood(p, 1));
    }

    [Fact]
    public void Lowers_validation_nll_of_an_overconfident_ensemble_and_is_deterministic()
    {
        // Labels come from the members' logits divided by 3 (then averaged), so T = 3 is the NLL-optimal temperature in
        // expectation. The fitted T is a maximum-likelihood estimate: its standard error is 1 / sqrt(n I), where the
        // Fisher information of one sample, I = E[(d/dT log p_T(y))^2], is about 0.042 for these logits (3 N(0, 1), 4
        // classes, 3 members with N(0, 0.5^2) noise; by Monte Carlo over 20,000 samples). At n = 20,000 that is 0.034,
        // so ±0.15 is about 4.4 standard errors: a fit that stops short (e.g. at 2.5) or overshoots fails.
        const double trueT = 3.0;
        const int samples = 20_000;
        var (probs, labels) = Synthetic(samples, classes: 4, members: 3, trueT, seed: 11);
        var validation = new Predictions(probs, 3, samples, 4, labels);
        var (testProbs, testLabels) = Synthetic(samples: 1000, classes: 4, members: 3, trueT, seed: 12);
        var test = new Predictions(testProbs, 3, 1000, 4, testLabels);
        var report = TemperatureReport.Measure(test, validation);
        Assert.InRange(report.Temperature, trueT - 0.15, trueT + 0.15);
        Assert.True(report.ValidationNllAfter < report.ValidationNllBefore - 0.05);
        Assert.True(report.Test.Nll < QualityReport.Measure(test).Nll);
        Assert.True(report.Test.Ece < QualityReport.Measure(test).Ece);
        Assert.Equal(report.Temperature, TemperatureScaling.Fit(validation));
    }

    [Fact]
    public void Rejects_non_positive_temperature()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => TemperatureScaling.Apply(HandFixture.Build(), 0));
        Assert.Contains("expected a finite T > 0", e.Message);
    }

    /// <summary>
    /// Members report softmax(z + noise_m) for Gaussian logits z (scale 3; noise N(0, 0.5^2) per member when there are
    /// several); labels are drawn from the mean over members of softmax((z + noise_m) / trueT), so trueT is the
    /// temperature that the kit's per-member scaling should recover. Independent of the code under test.
    /// </summary>
    internal static (float[] Probs, int[] Labels) Synthetic(int samples, int classes, int members, double trueT, int seed)
    {
        var random = new Random(seed);
        double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var probs = new float[members * samples * classes];
        var labels = new int[samples];
        var z = new double[classes];
        for (int n = 0; n < samples; n++)
        {
            for (int c = 0; c < classes; c++) z[c] = 3 * Gaussian();
            var logits = Enumerable.Range(0, members).Select(_ => z.Select(v => v + (members > 1 ? 0.5 * Gaussian() : 0)).ToArray()).ToArray();
            var truth = new double[classes];
            foreach (var member in logits)
            {
                double[] tempered = Softmax(member.Select(v => v / trueT).ToArray());
                for (int c = 0; c < classes; c++) truth[c] += tempered[c] / members;
            }
            double u = random.NextDouble(), cumulative = 0;
            labels[n] = classes - 1;
            for (int c = 0; c < classes; c++) { cumulative += truth[c]; if (u < cumulative) { labels[n] = c; break; } }
            for (int m = 0; m < members; m++)
            {
                double[] member = Softmax(logits[m]);
                for (int c = 0; c < classes; c++) probs[((m * samples) + n) * classes + c] = (float)member[c];
            }
        }
        return (probs, labels);
    }

    static double[] Softmax(double[] x)
    {
        double max = x.Max();
        double[] e = x.Select(v => Math.Exp(v - max)).ToArray();
        double s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }

    sealed class ToleranceComparer(double tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(float v) => 0;
    }
}
