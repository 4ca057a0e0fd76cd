using SubnetNotebooks.Experiments.Findings;
using SubnetNotebooks.Metrics;

namespace SubnetNotebooks.Tests.Experiments.Findings;

public class RunFindingsTests
{
    // Two hand-made runs of MC dropout and the deep ensemble. In the first the deep members disagree more (0.0500 vs 0.0300),
    // in the second less (0.0337 vs 0.0467, the README's cpu-profile means).
    static MetricsTable Run(double mcDisagreement, double deepDisagreement, double mcNll, double deepNll) => new MetricsTable()
        .Add("mcdropout", new Dictionary<string, double>
        {
            ["accuracy"] = 0.9018, ["nll"] = mcNll, ["member.mean_accuracy"] = 0.8980, ["member.mean_nll"] = 0.3000,
            ["diversity.disagreement"] = mcDisagreement, ["ensemble.nll_gain"] = 0.3000 - mcNll,
        })
        .Add("deep", new Dictionary<string, double>
        {
            ["accuracy"] = 0.9051, ["nll"] = deepNll, ["member.mean_accuracy"] = 0.9024, ["member.mean_nll"] = 0.3400,
            ["diversity.disagreement"] = deepDisagreement, ["ensemble.nll_gain"] = 0.3400 - deepNll,
        });

    static Finding Find(IEnumerable<Finding> findings, string start) => Assert.Single(findings, f => f.Claim.StartsWith(start, StringComparison.Ordinal));

    [Fact]
    public void TwoRunsGiveTwoVerdictsWithTheirNumbers()
    {
        var supports = RunFindings.McDropoutGap(Run(0.0300, 0.0500, 0.2900, 0.2800));
        var contradicts = RunFindings.McDropoutGap(Run(0.0467, 0.0337, 0.2867, 0.3009));

        var yes = Find(supports, "MC dropout's passes disagree less");
        Assert.True(yes.Holds);
        Assert.Equal("MC dropout's passes disagree less than the deep ensemble's members: yes — 0.0300 vs 0.0500", yes.Sentence);
        var no = Find(contradicts, "MC dropout's passes disagree less");
        Assert.False(no.Holds);
        Assert.Equal("MC dropout's passes disagree less than the deep ensemble's members: no — 0.0467 vs 0.0337", no.Sentence);

        // NLL: 0.2800 < 0.2900 supports the claim; 0.3009 > 0.2867 does not.
        Assert.Equal("The deep ensemble's NLL is lower than MC dropout's: yes — 0.2800 vs 0.2900", Find(supports, "The deep ensemble's NLL").Sentence);
        Assert.Equal("The deep ensemble's NLL is lower than MC dropout's: no — 0.3009 vs 0.2867", Find(contradicts, "The deep ensemble's NLL").Sentence);
        // Gains: MC dropout 0.3000 - 0.2867 = 0.0133, deep 0.3400 - 0.3009 = 0.0391: averaging gains MC dropout less.
        var gain = Find(contradicts, "Averaging MC dropout's passes");
        Assert.True(gain.Holds);
        Assert.Equal(0.0133, gain.Measured, 10);
        Assert.Equal(0.0391, gain.Reference, 10);
        Assert.Equal("The deep ensemble is more accurate than MC dropout: yes — 90.51 % vs 90.18 %", Find(contradicts, "The deep ensemble is more").Sentence);
    }

    [Fact]
    public void AnUndefinedMetricFailsLoudlyNamingTheClaim()
    {
        // A NaN disagreement (say, from a run with no test images) must not print "no — NaN vs 0.0500".
        var e = Assert.Throws<ArgumentException>(() => RunFindings.McDropoutGap(Run(double.NaN, 0.0500, 0.2900, 0.2800)));
        Assert.Contains("\"MC dropout's passes disagree less than the deep ensemble's members\" has no measured value (NaN)", e.Message);
        var reference = Assert.Throws<ArgumentException>(() => Finding.Lower("A claim", 0.1, double.NaN));
        Assert.Contains("\"A claim\" has no reference value (NaN)", reference.Message);
        Assert.Throws<ArgumentException>(() => new Finding("A claim", double.NaN, 1, false));
        // Infinite values are numbers a verdict can rest on.
        Assert.True(Finding.Lower("A claim", 0.1, double.PositiveInfinity).Holds);
    }

    [Fact]
    public void EveryEnsembleIsComparedWithItsMeanMember()
    {
        var findings = RunFindings.McDropoutGap(Run(0.0300, 0.0500, 0.3100, 0.2800));
        var mc = Find(findings, "MC dropout: the averaged");
        Assert.False(mc.Holds); // 0.3100 is above the mean member's 0.3000
        Assert.Equal("MC dropout: the averaged prediction has a lower NLL than the mean member: no — 0.3100 vs 0.3000", mc.Sentence);
        Assert.True(Find(findings, "The deep ensemble: the averaged").Holds); // 0.2800 < 0.3400
    }

    [Fact]
    public void ClaimsAboutMethodsTheRunDidNotTrainAreLeftOut()
    {
        var onlyMcDropout = new MetricsTable().Add("mcdropout", new Dictionary<string, double> { ["nll"] = 0.29, ["member.mean_nll"] = 0.30 });
        var finding = Assert.Single(RunFindings.McDropoutGap(onlyMcDropout));
        Assert.StartsWith("MC dropout: the averaged", finding.Claim);
        Assert.Empty(RunFindings.Ensembles(new MetricsTable()));
    }

    [Fact]
    public void TemperatureScalingCanTurnTheVerdict()
    {
        // Before scaling the subnetwork ensemble's NLL is higher (0.2911 vs 0.2867), after it lower (0.2738 vs 0.2776).
        var run = new MetricsTable()
            .Add("mcdropout", new Dictionary<string, double> { ["nll"] = 0.2867, ["ts.nll"] = 0.2776 })
            .Add("subnet", new Dictionary<string, double> { ["nll"] = 0.2911, ["ts.nll"] = 0.2738 });
        var findings = RunFindings.Ensembles(run);
        Assert.Equal(2, findings.Count);
        Assert.Equal("The subnetwork ensemble's NLL is lower than MC dropout's (before temperature scaling): no — 0.2911 vs 0.2867", findings[0].Sentence);
        Assert.Equal("The subnetwork ensemble's NLL is lower than MC dropout's (after temperature scaling): yes — 0.2738 vs 0.2776", findings[1].Sentence);
    }

    [Fact]
    public void AblationsCompareTheNamedVariantsAndTheExtremeSizes()
    {
        var variants = new MetricsTable()
            .Add("inherit=true", new Dictionary<string, double> { ["nll"] = 0.30 })
            .Add("inherit=false", new Dictionary<string, double> { ["nll"] = 0.35 })
            .Add("members=2", new Dictionary<string, double> { ["diversity.disagreement"] = 0.04 })
            .Add("members=4", new Dictionary<string, double> { ["diversity.disagreement"] = 0.05 })
            .Add("members=8", new Dictionary<string, double> { ["diversity.disagreement"] = 0.03 });
        var findings = RunFindings.Ablations(variants);
        Assert.Equal(2, findings.Count);
        Assert.Equal("Inheriting the parent's weights gives a lower NLL than re-initialising them: yes — 0.3000 vs 0.3500", findings[0].Sentence);
        Assert.Equal("More members (M = 8) disagree more than fewer (M = 2): no — 0.0300 vs 0.0400", findings[1].Sentence);
    }

    [Fact]
    public void SplitChecksSharingAndTheOneOverMShare()
    {
        // Parent 1,000 parameters, M = 4: at most 250 each. Members 240, 240, 240, 260: the largest breaks the bound.
        var findings = RunFindings.Split(0, 0, 1000, [240, 240, 240, 260]);
        Assert.True(findings[0].Holds);
        Assert.True(findings[1].Holds);
        Assert.Equal("The subnetworks together have fewer parameters than their parent: yes — 980 vs 1,000", findings[2].Sentence);
        Assert.False(findings[3].Holds);
        Assert.Equal(250, findings[3].Reference);
        Assert.False(RunFindings.Split(3, 0.2, 1000, [200, 200, 200, 200])[0].Holds);
    }

    [Fact]
    public void EveryAddedSubnetworkMustLowerTheNll()
    {
        var run = new MetricsTable().Add("subnet", new Dictionary<string, double> { ["nll"] = 0.30, ["member.mean_nll"] = 0.36, ["member.mean_accuracy"] = 0.88 });
        Assert.True(RunFindings.Subnetworks(run, 0.90, 0.33, [0.36, 0.33, 0.31, 0.30]).Single(f => f.Claim.StartsWith("Every added")).Holds);
        var bump = RunFindings.Subnetworks(run, 0.90, 0.33, [0.36, 0.33, 0.34, 0.30]).Single(f => f.Claim.StartsWith("Every added"));
        Assert.False(bump.Holds); // the third member raised the NLL from 0.33 to 0.34
        Assert.Equal("Every added subnetwork lowers the ensemble's NLL (all 4 members vs the first alone): no — 0.3000 vs 0.3600", bump.Sentence);
    }

    [Fact]
    public void APredictedDirectionHoldsOnlyThatWay()
    {
        Assert.Equal("rises: yes — 0.50 vs 0.40", Finding.Compare("rises", 0.5, 0.4, higher: true, "F2").Sentence);
        Assert.Equal("falls: no — 0.50 vs 0.40", Finding.Compare("falls", 0.5, 0.4, higher: false, "F2").Sentence);
        Assert.Throws<ArgumentException>(() => Finding.Lower("NaN", double.NaN, 1)); // a NaN is no verdict either way
    }
}
