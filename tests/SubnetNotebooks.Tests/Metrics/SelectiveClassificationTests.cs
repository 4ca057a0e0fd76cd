using SubnetNotebooks.Metrics;

namespace SubnetNotebooks.Tests.Metrics;

public class SelectiveClassificationTests
{
    /// <summary>
    /// Five samples, given out of order; ranked by confidence they are
    /// <code>
    ///  rank k  confidence  wrong  E(k)  risk E(k)/k  generalized risk E(k)/5
    ///    1        .9        no     0      0            0
    ///    2        .8        yes    1      1/2          .2
    ///    3        .7        no     1      1/3          .2
    ///    4        .6        yes    2      1/2          .4
    ///    5        .5        no     2      2/5          .4
    /// </code>
    /// Trapezoids over coverages .2 ... 1 divided by the span .8 (i.e. the mean of the four trapezoid heights):
    /// AURC  = [(0 + 1/2) + (1/2 + 1/3) + (1/3 + 1/2) + (1/2 + 2/5)] / 2 / 4 = (23/15) / 4 = 23/60;
    /// AUGRC = [(0 + .2) + (.2 + .2) + (.2 + .4) + (.4 + .4)] / 2 / 4 = 1 / 4.
    /// Risk at 80 % coverage: k = 4, 1/2. Coverage at 5 % risk: only k = 1 has risk ≤ .05, so 1/5.
    /// </summary>
    static readonly double[] Confidence = [0.6, 0.9, 0.5, 0.8, 0.7];
    static readonly bool[] Wrong = [true, false, false, true, false];

    [Fact]
    public void Hand_example_of_five_samples()
    {
        double[] accepted = SelectiveClassification.AcceptedErrors(Confidence, Wrong);
        Assert.Equal([0, 0, 1, 1, 2, 2], accepted);
        Assert.Equal(23.0 / 60, SelectiveClassification.Aurc(accepted), 12);
        Assert.Equal(0.25, SelectiveClassification.Augrc(accepted), 12);
        Assert.Equal(0.5, SelectiveClassification.RiskAtCoverage(accepted, 0.8), 12);
        Assert.Equal(0.2, SelectiveClassification.CoverageAtRisk(accepted, 0.05), 12);
        // At 35 % risk the largest acceptable k is 3 (risk 1/3; k = 4 and 5 are above); at 40 % all five (risk 2/5).
        Assert.Equal(0.6, SelectiveClassification.CoverageAtRisk(accepted, 0.35), 12);
        Assert.Equal(1.0, SelectiveClassification.CoverageAtRisk(accepted, 0.4), 12);
    }

    [Fact]
    public void Coverage_at_risk_is_zero_when_even_the_most_confident_sample_is_wrong()
    {
        double[] accepted = SelectiveClassification.AcceptedErrors([0.9, 0.5], [true, false]);
        Assert.Equal(0.0, SelectiveClassification.CoverageAtRisk(accepted, 0.05));
    }

    /// <summary>
    /// Confidences .9, .7, .7, .5 with the two tied samples one wrong and one right, the last wrong. The two orders of the tie:
    /// wrong first: E = 0, 1, 1, 2, risks 0, 1/2, 1/3, 1/2, AURC = (1/4 + 5/12 + 5/12) / 3 = 13/36;
    /// right first: E = 0, 0, 1, 2, risks 0, 0, 1/3, 1/2, AURC = (0 + 1/6 + 5/12) / 3 = 7/36.
    /// Ties count as the mean of both: AURC = 10/36 = 5/18, with E(2) = 1/2.
    /// </summary>
    [Fact]
    public void Tied_confidences_count_as_the_mean_over_their_orders()
    {
        double[] accepted = SelectiveClassification.AcceptedErrors([0.7, 0.9, 0.5, 0.7], [true, false, true, false]);
        Assert.Equal([0, 0, 0.5, 1, 2], accepted);
        Assert.Equal(5.0 / 18, SelectiveClassification.Aurc(accepted), 12);
        // The input order of the tied samples does not matter.
        double[] swapped = SelectiveClassification.AcceptedErrors([0.7, 0.9, 0.5, 0.7], [false, false, true, true]);
        Assert.Equal(accepted, swapped);
    }

    [Fact]
    public void Areas_equal_the_mean_over_every_order_of_random_tied_samples()
    {
        var random = new Random(11);
        double[] confidence = Enumerable.Range(0, 7).Select(_ => random.Next(3) * 0.2 + 0.5).ToArray();
        bool[] wrong = Enumerable.Range(0, 7).Select(_ => random.Next(2) == 0).ToArray();
        var accepted = SelectiveClassification.AcceptedErrors(confidence, wrong);

        // Independently: every permutation breaks the ties one way (a stable sort after permuting); plain cumulative errors.
        double aurcSum = 0, augrcSum = 0;
        int orders = 0;
        foreach (var permutation in Permutations(Enumerable.Range(0, 7).ToArray()))
        {
            var ranked = permutation.OrderByDescending(i => confidence[i]).ToArray();
            double errors = 0;
            var risk = new double[7];
            var generalized = new double[7];
            for (int k = 0; k < 7; k++)
            {
                if (wrong[ranked[k]]) errors++;
                risk[k] = errors / (k + 1);
                generalized[k] = errors / 7;
            }
            aurcSum += Enumerable.Range(0, 6).Sum(k => (risk[k] + risk[k + 1]) / 2) / 6;
            augrcSum += Enumerable.Range(0, 6).Sum(k => (generalized[k] + generalized[k + 1]) / 2) / 6;
            orders++;
        }
        Assert.Equal(5040, orders);
        Assert.Equal(aurcSum / orders, SelectiveClassification.Aurc(accepted), 10);
        Assert.Equal(augrcSum / orders, SelectiveClassification.Augrc(accepted), 10);
    }

    static IEnumerable<int[]> Permutations(int[] items)
    {
        if (items.Length <= 1) { yield return items; yield break; }
        for (int i = 0; i < items.Length; i++)
            foreach (var rest in Permutations(items.Where((_, j) => j != i).ToArray()))
                yield return rest.Prepend(items[i]).ToArray();
    }

    /// <summary>
    /// The hand fixture's ensemble: confidences .70 ✓, .65 ✓, .45 ✗, .50 ✓ (see <see cref="HandFixture"/>). Ranked: .70, .65,
    /// .50 right, .45 wrong: E = 0, 0, 0, 1, risks 0, 0, 0, 1/4, generalized 0, 0, 0, 1/4; AURC = AUGRC = (1/8) / 3 = 1/24.
    /// </summary>
    [Fact]
    public void Quality_report_ranks_by_the_ensembles_maximum_probability()
    {
        var quality = QualityReport.Measure(HandFixture.Build());
        var s = quality.Selective;
        Assert.Equal(1.0 / 24, s.Aurc, 6);
        Assert.Equal(1.0 / 24, s.Augrc, 6);
        Assert.Equal(0.25, s.RiskAt80Coverage, 12);
        Assert.Equal(0.75, s.CoverageAt5Risk, 12);
        Assert.Equal(SelectiveClassificationReport.CurvePoints, s.Curve.Count);
        Assert.Equal(0, s.Curve[49].Risk); // coverage .5: the two most confident, both right
        Assert.Equal(0.25, s.Curve[^1].Risk, 12);
        var keys = new Dictionary<string, double>();
        quality.AddTo(keys, "ts.");
        Assert.Equal(1.0 / 24, keys["ts.aurc"], 6);
        Assert.Equal(0.75, keys["ts.coverage_at_5_risk"], 12);
        Assert.True(keys.ContainsKey("ts.augrc") && keys.ContainsKey("ts.risk_at_80_coverage"));
    }

    [Fact]
    public void Bad_input_names_the_problem()
    {
        var lengths = Assert.Throws<ArgumentException>(() => SelectiveClassification.AcceptedErrors([0.5, 0.4], [true]));
        Assert.Contains("2 confidences for 1 error indicators", lengths.Message);
        var accepted = SelectiveClassification.AcceptedErrors(Confidence, Wrong);
        var coverage = Assert.Throws<ArgumentOutOfRangeException>(() => SelectiveClassification.RiskAtCoverage(accepted, 80));
        Assert.Contains("pass a fraction such as 0.8", coverage.Message);
        Assert.True(double.IsNaN(SelectiveClassification.Aurc(SelectiveClassification.AcceptedErrors([0.5], [false]))));
    }
}
