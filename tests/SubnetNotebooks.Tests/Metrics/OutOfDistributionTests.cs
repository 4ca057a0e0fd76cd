using SubnetNotebooks.Metrics;

namespace SubnetNotebooks.Tests.Metrics;

public class OutOfDistributionTests
{
    static readonly double[] In = [0.1, 0.4, 0.35, 0.8];
    static readonly double[] Ood = [0.9, 0.4, 0.7];

    [Fact]
    public void Hand_auroc_with_a_tie()
    {
        // Pairs (ood, in) where ood scores higher, ½ for ties:
        // .9 beats all 4 → 4; .4 beats .1 and .35, ties .4, loses to .8 → 2.5; .7 beats 3 → 3.
        // AUROC = 9.5 / 12.
        Assert.Equal(9.5 / 12, OutOfDistributionDetection.Auroc(In, Ood), 12);
    }

    [Fact]
    public void Hand_aupr_and_fpr95()
    {
        // Thresholds high→low: .9 (tp 1, fp 0): R 1/3, P 1 → +1/3
        // .8 (tp 1, fp 1): recall unchanged; .7 (tp 2, fp 1): R 2/3, P 2/3 → +2/9
        // .4 (one ood, one in: tp 3, fp 2): R 1, P 3/5 → +1/5.  AP = 1/3 + 2/9 + 1/5 = 34/45.
        Assert.Equal(34.0 / 45, OutOfDistributionDetection.Aupr(In, Ood), 12);
        // TPR first reaches 95 % at threshold .4, where 2 of 4 in-distribution samples are flagged.
        Assert.Equal(0.5, OutOfDistributionDetection.FalsePositiveRateAt(In, Ood), 12);
    }

    [Fact]
    public void All_tied_scores_give_chance_auroc()
    {
        Assert.Equal(0.5, OutOfDistributionDetection.Auroc([1, 1, 1], [1, 1]), 12);
        // One threshold flags everything: AP = prevalence 2/5, FPR = 1.
        Assert.Equal(0.4, OutOfDistributionDetection.Aupr([1, 1, 1], [1, 1]), 12);
        Assert.Equal(1.0, OutOfDistributionDetection.FalsePositiveRateAt([1, 1, 1], [1, 1]), 12);
    }

    [Fact]
    public void Perfect_separation()
    {
        Assert.Equal(1.0, OutOfDistributionDetection.Auroc([0.1, 0.2], [0.3, 0.9]));
        Assert.Equal(1.0, OutOfDistributionDetection.Aupr([0.1, 0.2], [0.3, 0.9]));
        Assert.Equal(0.0, OutOfDistributionDetection.FalsePositiveRateAt([0.1, 0.2], [0.3, 0.9]));
        Assert.Equal(0.0, OutOfDistributionDetection.Auroc([0.3, 0.9], [0.1, 0.2]));
    }

    [Fact]
    public void Auroc_agrees_with_mann_whitney_on_random_tied_scores()
    {
        var random = new Random(3);
        for (int trial = 0; trial < 5; trial++)
        {
            // Scores rounded to one decimal so that many tie.
            double[] a = Enumerable.Range(0, 200).Select(_ => Math.Round(random.NextDouble(), 1)).ToArray();
            double[] b = Enumerable.Range(0, 150).Select(_ => Math.Round(random.NextDouble() * 0.8 + 0.2, 1)).ToArray();
            double wins = 0;
            foreach (double o in b)
                foreach (double i in a)
                    wins += o > i ? 1 : o == i ? 0.5 : 0;
            Assert.Equal(wins / (a.Length * b.Length), OutOfDistributionDetection.Auroc(a, b), 12);
        }
    }

    [Fact]
    public void Uncertainty_scores_by_hand()
    {
        var p = HandFixture.Build();
        // Max probability score is 1 − max mean prob: 1−.70, 1−.65, 1−.45, 1−.50.
        Assert.Equal(new[] { .30, .35, .55, .50 }, UncertaintyScores.MaxProbability(p), new Near(1e-6));
        static double H(params double[] q) => -q.Sum(v => v * Math.Log(v));
        // Sample 3: total entropy of [.15 .35 .50] minus mean entropy of A [.1 .6 .3] and B [.2 .1 .7].
        Assert.Equal(H(.15, .35, .50), UncertaintyScores.Entropy(p)[3], 6);
        Assert.Equal(H(.15, .35, .50) - (H(.1, .6, .3) + H(.2, .1, .7)) / 2, UncertaintyScores.MutualInformation(p)[3], 6);
        // One member: no epistemic part.
        Assert.All(UncertaintyScores.MutualInformation(p.Member(0)), v => Assert.Equal(0.0, v, 12));
    }

    [Fact]
    public void Report_uses_ood_as_positive()
    {
        var test = HandFixture.Single([[.95, .05], [.9, .1], [.05, .95]], [0, 0, 1]);
        var ood = HandFixture.Single([[.5, .5], [.6, .4]], [0, 0]);
        var r = OutOfDistributionReport.Measure(test, ood);
        var entropy = r.Scores.Single(s => s.Score == "entropy");
        // Every OOD sample is less confident than every test sample.
        Assert.Equal(1.0, entropy.Auroc, 12);
        Assert.Equal(0.0, entropy.FprAt95Tpr, 12);
        // Single member: mutual information is 0 everywhere → all ties → 0.5.
        Assert.Equal(0.5, r.Scores.Single(s => s.Score == "mutual_information").Auroc, 12);
    }

    [Fact]
    public void Nan_and_empty_scores_are_rejected()
    {
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => OutOfDistributionDetection.Auroc([double.NaN], [1])).Message);
        Assert.Contains("non-empty", Assert.Throws<ArgumentException>(() => OutOfDistributionDetection.Auroc([], [1])).Message);
    }

    sealed class Near(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(double v) => 0;
    }
}
