using System.Text.Json;
using SubnetNotebooks.Metrics;

namespace SubnetNotebooks.Tests.Metrics;

public class EvaluationReportTests
{
    [Fact]
    public void Flatten_has_stable_keys_with_hand_values()
    {
        var test = HandFixture.Build();
        var report = EvaluationReport.Evaluate(test, validation: test, ood: Swap(test));
        var flat = report.Flatten();
        Assert.Equal(0.75, flat["accuracy"], 6);
        Assert.Equal(0.405, flat["brier"], 6);
        Assert.Equal(0.40, flat["ece"], 6);
        Assert.Equal(0.625, flat["member.mean_accuracy"], 6);
        Assert.Equal(0.25, flat["diversity.disagreement"], 6);
        Assert.Equal(1 / Math.Sqrt(3), flat["diversity.error_correlation"], 6);
        Assert.Equal(2, flat["members"]);
        foreach (var key in new[] { "nll", "mce", "ace", "classwise_ece", "ts.temperature", "ts.nll", "ts.ece", "ts.validation_nll_before",
                     "ts.validation_nll_after", "member.0.accuracy", "member.1.nll", "ensemble.accuracy_gain", "diversity.kl", "diversity.js",
                     "diversity.disagreement_over_error", "ood.auroc.entropy", "ood.aupr.max_probability", "ood.fpr95.mutual_information" })
            Assert.True(flat.ContainsKey(key), key);
        // Fitting on the test set itself can only lower (or keep) its NLL.
        Assert.True(flat["ts.nll"] <= flat["nll"] + 1e-9);
    }

    [Fact]
    public void Without_validation_or_ood_those_keys_are_absent()
    {
        var flat = EvaluationReport.Evaluate(HandFixture.Build()).Flatten();
        Assert.DoesNotContain(flat.Keys, k => k.StartsWith("ts.") || k.StartsWith("ood."));
    }

    [Fact]
    public void Json_holds_matrices_bins_and_nan()
    {
        var report = EvaluationReport.Evaluate(HandFixture.Build().Member(0));
        using var doc = JsonDocument.Parse(report.ToJson());
        var root = doc.RootElement;
        Assert.Equal(0.5, root.GetProperty("test").GetProperty("accuracy").GetDouble(), 6);
        Assert.Equal(15, root.GetProperty("test").GetProperty("reliability").GetArrayLength());
        Assert.Equal(1, root.GetProperty("diversity").GetProperty("disagreement").GetArrayLength());
        Assert.Equal("NaN", root.GetProperty("diversity").GetProperty("mean_error_correlation").GetString());
        Assert.False(root.TryGetProperty("temperature", out _));
    }

    [Fact]
    public void Table_writes_methods_as_rows()
    {
        var table = new MetricsTable()
            .Add("single", new Dictionary<string, double> { ["accuracy"] = 0.5, ["nll"] = 1.25 })
            .Add("subnetwork, M=4", new Dictionary<string, double> { ["accuracy"] = 0.75, ["diversity.kl"] = double.NaN });
        Assert.Equal("method,accuracy,nll,diversity.kl\nsingle,0.5,1.25,\n\"subnetwork, M=4\",0.75,,NaN\n", table.ToCsv());
        Assert.Equal(0.75, table.Get("subnetwork, M=4", "accuracy"));
        Assert.Null(table.Get("single", "diversity.kl"));
        using var doc = JsonDocument.Parse(table.ToJson());
        Assert.Equal(1.25, doc.RootElement.GetProperty("single").GetProperty("nll").GetDouble());
        Assert.Equal("NaN", doc.RootElement.GetProperty("subnetwork, M=4").GetProperty("diversity.kl").GetString());
    }

    [Fact]
    public void Table_reads_back_what_it_wrote_NaN_included()
    {
        var json = "{ \"single\": { \"accuracy\": 0.5, \"nll\": \"NaN\" }, \"deep\": { \"accuracy\": 0.75 } }";
        var table = MetricsTable.FromJson(json);
        Assert.Equal(["single", "deep"], table.Methods);
        Assert.Equal(0.5, table.Get("single", "accuracy"));
        Assert.True(double.IsNaN(table.Get("single", "nll")!.Value));
        Assert.Equal(0.75, table.Row("deep")["accuracy"]);
        Assert.Throws<KeyNotFoundException>(() => table.Row("subnet"));
    }

    /// <summary>The fixture with members swapped, as a stand-in OOD set of the same ensemble size.</summary>
    static Predictions Swap(Predictions p) =>
        new(HandFixture.B.Concat(HandFixture.A).SelectMany(r => r).ToArray(), 2, 4, 3, p.Labels.ToArray());
}
