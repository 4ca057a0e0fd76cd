using SubnetNotebooks.Metrics;

namespace SubnetNotebooks.Tests.Metrics;

public class LogitScoresTests
{
    /// <summary>One-member predictions from logit rows; the probabilities are their softmax, computed here.</summary>
    static Predictions FromLogits(double[][] logits, int members = 1)
    {
        var probs = logits.SelectMany(row =>
        {
            double max = row.Max(), sum = row.Sum(z => Math.Exp(z - max));
            return row.Select(z => (float)(Math.Exp(z - max) / sum));
        }).ToArray();
        int samples = logits.Length / members;
        return new Predictions(probs, members, samples, logits[0].Length, new int[samples], logits.SelectMany(r => r.Select(z => (float)z)).ToArray());
    }

    [Fact]
    public void Energy_and_max_logit_of_a_known_logit_vector()
    {
        // z = (ln 1, ln 2, ln 5): Σ exp z = 8, so the energy is −ln 8; the maximum logit is ln 5.
        var p = FromLogits([[0, Math.Log(2), Math.Log(5)]]);
        Assert.Equal(-Math.Log(8), LogitScores.Energy(p)[0], 6);
        Assert.Equal(-Math.Log(5), LogitScores.MaxLogit(p)[0], 6);
    }

    [Fact]
    public void Large_logits_do_not_overflow()
    {
        // z = (1000, 1000): energy −(1000 + ln 2), computed without exp(1000).
        var p = FromLogits([[1000, 1000]]);
        Assert.Equal(-(1000 + Math.Log(2)), LogitScores.Energy(p)[0], 3);
    }

    [Fact]
    public void Members_logits_are_averaged_before_scoring()
    {
        // Member 1: (0, 2), member 2: (2, 0); mean logits (1, 1): energy −(1 + ln 2), max logit 1.
        // (Scoring each member and averaging would give −(2 + ln(1 + e^−2)) instead.)
        var p = FromLogits([[0, 2], [2, 0]], members: 2);
        Assert.Equal(-(1 + Math.Log(2)), LogitScores.Energy(p)[0], 6);
        Assert.Equal(-1, LogitScores.MaxLogit(p)[0], 6);
    }

    [Fact]
    public void Ood_report_adds_the_logit_scores_when_both_sets_carry_logits()
    {
        // Test samples have one large logit (low energy), OOD samples small logits: energy and max logit separate them perfectly.
        var test = FromLogits([[10, 0], [8, 1]]);
        var ood = FromLogits([[1, 0.5], [0.2, 0]]);
        var report = OutOfDistributionReport.Measure(test, ood);
        Assert.Equal(["max_probability", "entropy", "mutual_information", "max_logit", "energy"], report.Scores.Select(s => s.Score));
        var energy = report.Scores.Single(s => s.Score == "energy");
        Assert.Equal((1.0, 1.0, 0.0), (energy.Auroc, energy.Aupr, energy.FprAt95Tpr));
        var keys = new Dictionary<string, double>();
        report.AddTo(keys);
        Assert.Equal(1.0, keys["ood.auroc.max_logit"]);
        Assert.True(keys.ContainsKey("ood.fpr95.energy") && keys.ContainsKey("ood.diversity.disagreement"));
        Assert.False(keys.ContainsKey("ood.diversity.error_correlation")); // OOD labels are not classes of the task

        var withoutLogits = OutOfDistributionReport.Measure(HandFixture.Build(), HandFixture.Build());
        Assert.Equal(UncertaintyScores.Names, withoutLogits.Scores.Select(s => s.Score));
    }

    [Fact]
    public void Scores_without_logits_say_where_to_get_them()
    {
        var error = Assert.Throws<ArgumentException>(() => LogitScores.Energy(HandFixture.Build()));
        Assert.Contains("logits.npy", error.Message);
    }

    [Fact]
    public void Predictions_keep_logits_through_members_prefixes_and_npy_files()
    {
        var p = FromLogits([[0, 1], [2, 0], [1, 1], [3, 0]], members: 2);
        Assert.Equal([1f, 1f], p.Member(1).Logits.Slice(0, 2).ToArray());
        Assert.Equal([0f, 1f, 2f, 0f], p.Take(1).Logits.ToArray());
        Assert.Equal([0.5, 1, 2.5, 0], p.EnsembleLogits());

        var dir = Directory.CreateTempSubdirectory("subnet-logits-").FullName;
        try
        {
            string probs = Path.Combine(dir, "m.npy"), labels = Path.Combine(dir, "labels.npy"), logits = Path.Combine(dir, "m.logits.npy");
            p.SaveNpy(probs, labels, logits);
            var (values, shape) = NpyFormat.ReadFloat32(logits);
            Assert.Equal([2L, 2, 2], shape);
            Assert.Equal([0f, 1f, 2f, 0f, 1f, 1f, 3f, 0f], values);
            Assert.Equal(p.Logits.ToArray(), Predictions.LoadNpy(probs, labels, logits).Logits.ToArray());
            Assert.False(Predictions.LoadNpy(probs, labels).HasLogits);
        }
        finally { Directory.Delete(dir, recursive: true); }

        var mismatch = Assert.Throws<ArgumentException>(() => new Predictions([0.5f, 0.5f], 1, 1, 2, [0], [1f]));
        Assert.Contains("logits has 1 values and probs 2", mismatch.Message);
    }
}
